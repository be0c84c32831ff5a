package io.clientele.customer.imports;

import java.util.Locale;

/**
 * What an import does with a row that has no exact natural-key match but is a likely fuzzy duplicate (name,
 * company, address; the create endpoint's matcher and the tenant's likely threshold). Never a silent merge.
 */
public enum FuzzyMode {
    /** No fuzzy matching: exact natural keys only. */
    OFF,
    /** The row is imported as usual and the likely duplicate is reported against it. */
    FLAG,
    /** The row is not imported (counted as skipped) and the likely duplicate is reported against it. */
    SKIP;

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode named {@code value} (exact API name), or null when there is none by that name. */
    public static FuzzyMode of(String value) {
        for (FuzzyMode m : values()) {
            if (m.apiName().equals(value)) {
                return m;
            }
        }
        return null;
    }
}
