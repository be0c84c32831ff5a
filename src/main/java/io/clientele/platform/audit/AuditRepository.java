package io.clientele.platform.audit;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.persistence.PositionalSql;
import io.clientele.platform.persistence.RowStreams;
import io.clientele.platform.query.FieldType;
import io.clientele.platform.query.QueryField;
import io.clientele.platform.query.QuerySchema;
import io.clientele.platform.query.SqlFragment;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** Reads of the audit log, always scoped to the caller's tenant; there is no write path but {@link AuditLog}. */
@ApplicationScoped
public class AuditRepository {

    /** What {@code filter} and {@code sort} accept on audit entries (openapi.yaml, docs/security.md). */
    public static final QuerySchema<AuditEntry> SCHEMA = QuerySchema.<AuditEntry>builder()
            .idField(QueryField.<AuditEntry>of("id", "seq", FieldType.NUMBER).sortable(AuditEntry::id))
            .sortableField("occurredAt", "occurred_at", FieldType.INSTANT, AuditEntry::occurredAt)
            .field("actor", "actor", FieldType.STRING)
            .field("clientId", "client_id", FieldType.STRING)
            .field("action", "action", FieldType.STRING)
            .field("method", "method", FieldType.STRING)
            .field("target", "target", FieldType.STRING)
            .field("status", "status", FieldType.NUMBER)
            .field(QueryField.<AuditEntry>of("outcome", "outcome", FieldType.ENUM)
                    .enumValues("success", "denied", "failed"))
            .field("sourceIp", "source_ip", FieldType.STRING)
            .field("requestId", "request_id", FieldType.STRING)
            .field("reason", "reason", FieldType.STRING)
            .build();

    private final RowStreams rows;
    private final int fetchSize;

    AuditRepository(RowStreams rows, ClienteleConfig config) {
        this.rows = rows;
        this.fetchSize = config.export().fetchSize();
    }

    @WithSession
    public Uni<List<AuditEntry>> page(String tenantId, SqlFragment where, String orderBy, int limit) {
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery("SELECT " + AuditEntry.COLUMNS + " FROM audit_log"
                    + " WHERE tenant_id = :tenant AND (" + where.sql() + ") ORDER BY " + orderBy + " LIMIT :limit",
                    Object[].class)
                    .setParameter("tenant", tenantId)
                    .setParameter("limit", limit);
            where.params().forEach(query::setParameter);
            return query.getResultList();
        }).map(found -> found.stream().map(AuditRepository::entry).toList());
    }

    /** Every matching entry through a database cursor, for exports. */
    public Multi<AuditEntry> stream(String tenantId, SqlFragment where, String orderBy) {
        String sql = "/* audit-export */ SELECT " + AuditEntry.COLUMNS + " FROM audit_log WHERE tenant_id = :tenant"
                + " AND (" + where.sql() + ") ORDER BY " + orderBy;
        Map<String, Object> params = new LinkedHashMap<>(where.params());
        params.put("tenant", tenantId);
        return rows.stream(PositionalSql.of(sql, params), fetchSize, AuditEntry::of);
    }

    private static AuditEntry entry(Object[] r) {
        return new AuditEntry(((Number) r[0]).longValue(), instant(r[1]), (String) r[2], (String) r[3],
                (String) r[4], (String) r[5], (String) r[6], r[7] == null ? null : ((Number) r[7]).intValue(),
                (String) r[8], (String) r[9], (String) r[10], (String) r[11]);
    }

    private static Instant instant(Object value) {
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant();
        }
        return (Instant) value;
    }
}
