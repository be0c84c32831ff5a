package io.clientele.platform.paging;

import io.clientele.platform.query.SortSpec;
import io.clientele.platform.query.SqlFragment;

/**
 * A compiled list request: {@code where} (filter AND keyset position), {@code orderBy}, and
 * {@code fetchSize} = page size + 1, the extra row telling whether another page follows.
 */
public record PageRequest<T>(SqlFragment where, String orderBy, int limit, SortSpec<T> sort, String fingerprint) {

    public int fetchSize() {
        return limit + 1;
    }
}
