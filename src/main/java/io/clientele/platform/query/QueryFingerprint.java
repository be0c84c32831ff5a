package io.clientele.platform.query;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Identifies "the same query" for cursors: SHA-256 over the canonical filter and sort, so a cursor
 * cannot be replayed against another filter or sort, while whitespace or spelling variants
 * ({@code >} vs {@code =gt=}, quotes) do not matter.
 */
public final class QueryFingerprint {

    private QueryFingerprint() {
    }

    /**
     * @param normalizedFilter {@link FilterNode#canonical()} of the filter ("" or null when none); callers
     *                         serving several resources may prefix it with the resource name
     * @param sort             the effective sort
     * @return 64 lowercase hex characters
     */
    public static String of(String normalizedFilter, SortSpec<?> sort) {
        String filter = normalizedFilter == null ? "" : normalizedFilter;
        // Length-prefixed so that no filter text can imitate the sort part.
        String canonical = "filter:" + filter.length() + ":" + filter + "\nsort:" + sort.canonical();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** Fingerprint of a parsed filter (null for none) and sort. */
    public static String of(FilterNode filter, SortSpec<?> sort) {
        return of(filter == null ? "" : filter.canonical(), sort);
    }
}
