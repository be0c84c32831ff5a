package io.clientele.platform.query;

import java.util.List;
import java.util.Objects;

/**
 * What a cursor carries: the fingerprint of the query it was issued for and the sort values of the
 * last row returned (see {@link SortSpec#valuesOf}).
 */
public record CursorState(String queryFingerprint, List<Object> lastValues) {

    public CursorState {
        Objects.requireNonNull(queryFingerprint, "queryFingerprint");
        lastValues = List.copyOf(lastValues);
    }
}
