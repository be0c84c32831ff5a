package io.clientele.customer.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;


import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.persistence.PositionalSql;
import io.clientele.platform.persistence.RowStreams;
import io.clientele.platform.query.SqlFragment;
import io.clientele.platform.security.Caller;
import io.clientele.platform.security.Visibility;
import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.sqlclient.Row;

/**
 * Every active customer of the caller's tenant that matches a compiled filter, in a given order, as a
 * stream read through a database cursor (constant memory whatever the count). The rows become detached
 * {@link Customer} objects, so the API edge renders them exactly as it renders a read.
 */
@ApplicationScoped
public class CustomerExport {

    /** A customer and, when asked for, the names of its tags (ordered ignoring case). */
    public record Exported(Customer customer, List<String> tags) {
    }

    // Marked so the statement is easy to find in pg_stat_activity.
    private static final String COLUMNS = "/* customer-export */ SELECT " + CustomerRows.COLUMNS;
    private static final String TAGS = ", ARRAY(SELECT t.name FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id"
            + " WHERE ct.customer_id = customer.id AND ct.tenant_id = customer.tenant_id"
            + " ORDER BY lower(t.name), t.name) AS tags";

    private final RowStreams rows;
    private final CustomerRows customers;
    private final int fetchSize;
    private final Visibility visibility;

    CustomerExport(RowStreams rows, CustomerRows customers, ClienteleConfig config, Visibility visibility) {
        this.visibility = visibility;
        this.rows = rows;
        this.customers = customers;
        this.fetchSize = config.export().fetchSize();
    }

    /**
     * A cold stream of the matching customers; {@code where} and {@code orderBy} come from the shared query
     * compiler (bound parameters only), the tenant and the soft-delete rule from here.
     */
    public Multi<Exported> stream(Caller caller, SqlFragment where, String orderBy, boolean withTags) {
        return visibility.scope(caller, CustomerService.RESOURCE).onItem().transformToMulti(scope -> {
            SqlFragment visible = where.and(scope.on(CustomerService.OWNER_COLUMN));
            String sql = COLUMNS + (withTags ? TAGS : "") + " FROM customer WHERE tenant_id = :tenant"
                    + " AND deleted_at IS NULL AND (" + visible.sql() + ") ORDER BY " + orderBy;
            Map<String, Object> params = new LinkedHashMap<>(visible.params());
            params.put("tenant", caller.tenantId());
            return rows.stream(PositionalSql.of(sql, params), fetchSize, row -> toExported(row, withTags));
        });
    }

    private Exported toExported(Row row, boolean withTags) {
        Customer c = customers.customer(row);
        List<String> tags = withTags ? List.of(row.getArrayOfStrings("tags")) : List.of();
        return new Exported(c, tags);
    }
}
