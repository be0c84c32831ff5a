package io.clientele.sales.domain;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.regex.Pattern;

/** Amounts are exact decimals in an ISO 4217 currency, never with more decimals than the currency has. */
public final class Money {

    /** Up to 15 integer digits and 4 decimals: what numeric(19,4) holds. */
    private static final Pattern AMOUNT = Pattern.compile("\\d{1,15}(\\.\\d{1,4})?");
    private static final Pattern CODE = Pattern.compile("[A-Z]{3}");

    private Money() {
    }

    /** The currency's minor-unit digits, or null with the reason in {@code error} when the code is not ISO 4217. */
    public static Integer fractionDigits(String code) {
        if (code == null || !CODE.matcher(code).matches()) {
            return null;
        }
        try {
            int digits = Currency.getInstance(code).getDefaultFractionDigits();
            // Funds and metals (XAU, XDR...) have no minor unit: allow the column's full scale.
            return digits < 0 ? 4 : digits;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Parses a decimal string ("1234.50"); null when it is not a non-negative decimal of the accepted size. */
    public static BigDecimal parse(String text) {
        if (text == null || !AMOUNT.matcher(text).matches()) {
            return null;
        }
        return new BigDecimal(text);
    }

    /** The amount written with exactly the currency's decimals, e.g. "1200.00" for EUR, "1200" for JPY. */
    public static String format(BigDecimal amount, String currency) {
        Integer digits = fractionDigits(currency);
        return amount.setScale(digits == null ? 2 : digits, java.math.RoundingMode.UNNECESSARY).toPlainString();
    }
}
