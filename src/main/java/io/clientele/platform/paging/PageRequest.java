package io.clientele.platform.paging;

import io.clientele.platform.query.ListQuery;
import io.clientele.platform.query.SqlFragment;

/**
 * A compiled list request and its page size. Repositories fetch {@link #fetchSize()} = size + 1
 * rows: the extra row tells whether another page follows.
 */
public record PageRequest<T>(ListQuery<T> query, int limit) {

    public SqlFragment where() {
        return query.where();
    }

    public String orderBy() {
        return query.orderBy();
    }

    public int fetchSize() {
        return limit + 1;
    }
}
