package io.clientele.customer.imports;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What an import row does when it matches an existing customer (or an earlier row of the same file) on a natural
 * key. Not the create endpoint's {@code matching.DuplicatePolicy} (allow, reject, merge on a likely fuzzy
 * duplicate): a different question with different answers, hence a name of its own.
 */
public enum ImportDuplicatePolicy {
    /** Leave the existing customer alone; the row counts as skipped. */
    SKIP,
    /** Merge the row into the existing customer (upsert); rows without a match create customers. */
    UPDATE,
    /** Create a customer for every row, matches or not (external ids must still be unique). */
    CREATE;

    public static final List<String> API_NAMES = Arrays.stream(values()).map(ImportDuplicatePolicy::apiName).toList();

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
