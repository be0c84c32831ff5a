package io.clientele.platform.history;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.clientele.platform.query.SqlFragment;
import io.clientele.platform.persistence.TenantRecord;
import io.clientele.platform.security.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The change history every module writes through: one entry per change with the field-level diff,
 * who (actor and client), where from (source), the correlation id, and the full state after the
 * change, which makes reading a record as of a past instant a single indexed lookup.
 */
@ApplicationScoped
public class History {

    /** Bookkeeping fields that change with every write and say nothing about the change itself. */
    private static final Set<String> NOT_DIFFED = Set.of("version", "updatedAt", "createdAt");

    private static final TypeReference<Map<String, Object>> ENTRY = new TypeReference<>() {
    };

    private final ObjectMapper mapper;

    History(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Records a change; must run inside its transaction. {@code before} is null for a create,
     * {@code after} the representation after the change (for a delete, the last state).
     */
    public Uni<Void> record(Caller caller, String correlationId, ChangeSource source, String entityType,
            UUID entityId, long version, String operation, Object before, Object after) {
        JsonNode beforeTree = before == null ? null : mapper.valueToTree(before);
        JsonNode afterTree = mapper.valueToTree(after);
        List<FieldChange> changes = operation.equals("delete") ? List.of()
                : Diff.of(beforeTree, afterTree, NOT_DIFFED);
        ObjectNode entry = mapper.createObjectNode();
        entry.set("changes", mapper.valueToTree(changes));
        entry.set("snapshot", afterTree);
        ChangeRecord record = new ChangeRecord();
        record.tenantId = caller.tenantId();
        record.entityType = entityType;
        record.entityId = entityId;
        record.version = version;
        record.operation = operation;
        record.source = source.apiName();
        record.actor = caller.subject();
        record.clientId = caller.clientId();
        record.correlationId = correlationId;
        record.occurredAt = TenantRecord.now();
        record.entry = mapper.convertValue(entry, ENTRY);
        return record.persist().replaceWithVoid();
    }

    /** Entries of one record, newest first, after the keyset condition {@code where}. */
    public Uni<List<HistoryEntry>> entries(String tenantId, String entityType, UUID entityId, SqlFragment where,
            String orderBy, int limit) {
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery("SELECT " + COLUMNS + " FROM change_history"
                    + " WHERE tenant_id = :tenant AND entity_type = :type AND entity_id = :id AND (" + where.sql()
                    + ") ORDER BY " + orderBy + " LIMIT :limit", Object[].class)
                    .setParameter("tenant", tenantId)
                    .setParameter("type", entityType)
                    .setParameter("id", entityId)
                    .setParameter("limit", limit);
            where.params().forEach(query::setParameter);
            return query.getResultList();
        }).map(rows -> rows.stream().map(this::toEntry).toList());
    }

    /** The last entry at or before {@code instant}, or null when the record did not exist yet. */
    public Uni<HistoryEntry> asOf(String tenantId, String entityType, UUID entityId, Instant instant) {
        return Panache.getSession().chain(session -> session.createNativeQuery("SELECT " + COLUMNS
                + " FROM change_history WHERE tenant_id = :tenant AND entity_type = :type AND entity_id = :id"
                + " AND occurred_at <= :at ORDER BY seq DESC LIMIT 1", Object[].class)
                .setParameter("tenant", tenantId)
                .setParameter("type", entityType)
                .setParameter("id", entityId)
                .setParameter("at", instant.atOffset(ZoneOffset.UTC))
                .getResultList())
                .map(rows -> rows.isEmpty() ? null : toEntry(rows.get(0)));
    }

    private static final String COLUMNS = "seq, entity_type, CAST(entity_id AS text), version, operation, source,"
            + " actor, client_id, correlation_id, occurred_at, CAST(entry AS text)";

    private HistoryEntry toEntry(Object[] row) {
        JsonNode entry = read((String) row[10]);
        List<FieldChange> changes = new ArrayList<>();
        entry.path("changes").forEach(c -> changes.add(new FieldChange(c.path("field").asText(),
                c.get("old"), c.get("new"))));
        return new HistoryEntry(((Number) row[0]).longValue(), (String) row[1], (String) row[2],
                ((Number) row[3]).longValue(), (String) row[4], (String) row[5], (String) row[6], (String) row[7],
                (String) row[8], instant(row[9]), changes, entry.get("snapshot"));
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

    private JsonNode read(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("history entry holds invalid JSON", e);
        }
    }
}
