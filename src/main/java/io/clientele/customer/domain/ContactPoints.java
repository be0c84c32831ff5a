package io.clientele.customer.domain;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;

/** Normalises contact points so that equal addresses and numbers compare equal everywhere. */
public final class ContactPoints {

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
    // Pragmatic RFC 5321 shape: dot-atom local part, dotted domain of letter/digit/hyphen labels (IDN letters allowed).
    private static final Pattern EMAIL = Pattern.compile(
            "[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]+(\\.[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@([\\p{L}\\p{N}]([\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?\\.)+[\\p{L}]{2,63}");

    private ContactPoints() {
    }

    /** The normalised address, or empty when it is not a plausible email address. */
    public static Optional<String> email(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String trimmed = raw.trim();
        int at = trimmed.lastIndexOf('@');
        if (trimmed.length() > 254 || at < 1 || at > 64 || !EMAIL.matcher(trimmed).matches()) {
            return Optional.empty();
        }
        return Optional.of(trimmed.toLowerCase(Locale.ROOT));
    }

    /**
     * The number in E.164, or empty when it is not a valid number. {@code region} (ISO 3166-1
     * alpha-2) says how to read a number written without its country code.
     */
    public static Optional<String> phone(String raw, String region) {
        if (raw == null || raw.isBlank() || raw.length() > 40) {
            return Optional.empty();
        }
        try {
            Phonenumber.PhoneNumber parsed = PHONES.parse(raw.trim(),
                    region == null ? "ZZ" : region.toUpperCase(Locale.ROOT));
            if (!PHONES.isValidNumber(parsed)) {
                return Optional.empty();
            }
            return Optional.of(PHONES.format(parsed, PhoneNumberUtil.PhoneNumberFormat.E164));
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    public static boolean isRegion(String region) {
        return region != null && region.length() == 2
                && PHONES.getSupportedRegions().contains(region.toUpperCase(Locale.ROOT));
    }
}
