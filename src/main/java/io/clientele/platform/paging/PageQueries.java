package io.clientele.platform.paging;

import java.util.List;

import io.clientele.platform.query.SqlFragment;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Runs a compiled page request against a tenant-scoped table; the one place list SQL is built. */
public final class PageQueries {

    private PageQueries() {
    }

    /**
     * Rows of {@code table} in {@code tenantId} matching {@code scope} (trusted SQL such as
     * {@code deleted_at IS NULL}) and the request's filter and keyset position, in its order.
     */
    public static <T> Uni<List<T>> fetch(Class<T> entity, String table, String tenantId, String scope,
            SqlFragment where, String orderBy, int fetchSize) {
        // The filter and keyset SQL come from the shared query compiler: only bound parameters, no values.
        String sql = "SELECT * FROM " + table + " WHERE tenant_id = :tenant AND (" + scope + ") AND ("
                + where.sql() + ") ORDER BY " + orderBy + " LIMIT :limit";
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql, entity)
                    .setParameter("tenant", tenantId)
                    .setParameter("limit", fetchSize);
            where.params().forEach(query::setParameter);
            return query.getResultList();
        });
    }

    /** How many rows of {@code table} in {@code tenantId} match {@code scope} and {@code where}. */
    public static Uni<Long> count(String table, String tenantId, String scope, SqlFragment where) {
        String sql = "SELECT count(*) FROM " + table + " WHERE tenant_id = :tenant AND (" + scope + ") AND ("
                + where.sql() + ")";
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql, Long.class).setParameter("tenant", tenantId);
            where.params().forEach(query::setParameter);
            return query.getSingleResult();
        });
    }
}
