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

import org.hibernate.reactive.mutiny.Mutiny;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.clientele.platform.query.SqlFragment;
import io.clientele.platform.persistence.SqlStatement;
import io.clientele.platform.persistence.TenantRecord;
import io.clientele.platform.security.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

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
     * One change as a row of change_history, ready to insert: the single definition of what an entry holds.
     * {@code before} is null for a create, {@code after} the representation after the change (for a delete,
     * the last state); either may already be a {@link JsonNode}.
     */
    public record Row(String tenantId, String entityType, UUID entityId, long version, String operation,
            String source, String actor, String clientId, String correlationId, Instant occurredAt, ObjectNode entry) {
    }

    public Row row(Caller caller, String correlationId, ChangeSource source, String entityType, UUID entityId,
            long version, String operation, Object before, Object after) {
        JsonNode beforeTree = before == null ? null : tree(before);
        JsonNode afterTree = tree(after);
        List<FieldChange> changes = operation.equals("delete") ? List.of()
                : Diff.of(beforeTree, afterTree, NOT_DIFFED);
        ObjectNode entry = mapper.createObjectNode();
        entry.set("changes", mapper.valueToTree(changes));
        entry.set("snapshot", afterTree);
        return new Row(caller.tenantId(), entityType, entityId, version, operation, source.apiName(),
                caller.subject(), caller.clientId(), correlationId, TenantRecord.now(), entry);
    }

    /**
     * A create entry without a separate snapshot (bulk writers: imports write one per row). The diff from
     * nothing already holds every field with a value; {@code base} keeps only the rest (the bookkeeping fields
     * the diff ignores, and fields without a value), and {@link #asOf} and the timeline put the snapshot back
     * together from both. Entries written by {@link #row} keep their full snapshot.
     */
    public Row compactCreate(Caller caller, String correlationId, ChangeSource source, String entityType,
            UUID entityId, long version, Object after) {
        JsonNode afterTree = tree(after);
        List<FieldChange> changes = Diff.of(null, afterTree, NOT_DIFFED);
        ObjectNode base = mapper.createObjectNode();
        Set<String> inChanges = new java.util.HashSet<>();
        changes.forEach(c -> inChanges.add(c.field()));
        afterTree.fields().forEachRemaining(f -> {
            if (!inChanges.contains(f.getKey())) {
                base.set(f.getKey(), f.getValue());
            }
        });
        ObjectNode entry = mapper.createObjectNode();
        entry.set("changes", mapper.valueToTree(changes));
        entry.set("base", base);
        return new Row(caller.tenantId(), entityType, entityId, version, "create", source.apiName(),
                caller.subject(), caller.clientId(), correlationId, TenantRecord.now(), entry);
    }

    /** The state after an entry's change: its snapshot, or for a compact create its base plus the new values. */
    static JsonNode snapshot(JsonNode entry) {
        JsonNode snapshot = entry.get("snapshot");
        JsonNode base = entry.get("base");
        if (snapshot != null || !(base instanceof ObjectNode stored)) {
            return snapshot;
        }
        ObjectNode rebuilt = stored.deepCopy();
        entry.path("changes").forEach(c -> rebuilt.set(c.path("field").asText(), c.get("new")));
        return rebuilt;
    }

    private JsonNode tree(Object value) {
        return value instanceof JsonNode node ? node : mapper.valueToTree(value);
    }

    /** Records a change; must run inside its transaction. See {@link #row} for the arguments. */
    public Uni<Void> record(Caller caller, String correlationId, ChangeSource source, String entityType,
            UUID entityId, long version, String operation, Object before, Object after) {
        Row row = row(caller, correlationId, source, entityType, entityId, version, operation, before, after);
        ChangeRecord record = new ChangeRecord();
        record.tenantId = row.tenantId();
        record.entityType = row.entityType();
        record.entityId = row.entityId();
        record.version = row.version();
        record.operation = row.operation();
        record.source = row.source();
        record.actor = row.actor();
        record.clientId = row.clientId();
        record.correlationId = row.correlationId();
        record.occurredAt = row.occurredAt();
        record.entry = mapper.convertValue(row.entry(), ENTRY);
        return record.persist().replaceWithVoid();
    }

    /**
     * Records many changes with one statement on {@code connection}, inside its transaction (bulk writers
     * such as imports, which bypass Hibernate for throughput); rows keep their order in {@code seq}.
     */
    public Uni<Void> recordAll(SqlConnection connection, List<Row> rows) {
        return recordAll(connection, batch(rows));
    }

    /** Records many changes with one statement in the transaction of {@code session} (see {@link #recordAll}). */
    public Uni<Void> recordAll(Mutiny.Session session, List<Row> rows) {
        return rows.isEmpty() ? Uni.createFrom().voidItem() : insert(rows).execute(session).replaceWithVoid();
    }

    /**
     * The statement of {@link #recordAll(SqlConnection, Batch)} for {@code rows}: serialises every entry, so bulk
     * writers build it on a worker thread rather than on the event loop that sends the statement.
     */
    public Batch batch(List<Row> rows) {
        return new Batch(rows.isEmpty() ? null : insert(rows));
    }

    /** Serialised history rows, ready to insert with one statement ({@code null} when there are none). */
    public record Batch(SqlStatement statement) {
    }

    /** Inserts a {@link #batch}, inside the caller's transaction on {@code connection}. */
    public Uni<Void> recordAll(SqlConnection connection, Batch batch) {
        return batch.statement() == null ? Uni.createFrom().voidItem() : batch.statement().execute(connection);
    }

    private SqlStatement insert(List<Row> rows) {
        int n = rows.size();
        String[] tenants = new String[n];
        String[] types = new String[n];
        UUID[] ids = new UUID[n];
        Long[] versions = new Long[n];
        String[] operations = new String[n];
        String[] sources = new String[n];
        String[] actors = new String[n];
        String[] clients = new String[n];
        String[] correlations = new String[n];
        OffsetDateTime[] times = new OffsetDateTime[n];
        String[] entries = new String[n];
        try {
            for (int i = 0; i < n; i++) {
                Row r = rows.get(i);
                tenants[i] = r.tenantId();
                types[i] = r.entityType();
                ids[i] = r.entityId();
                versions[i] = r.version();
                operations[i] = r.operation();
                sources[i] = r.source();
                actors[i] = r.actor();
                clients[i] = r.clientId();
                correlations[i] = r.correlationId();
                times[i] = r.occurredAt().atOffset(ZoneOffset.UTC);
                entries[i] = mapper.writeValueAsString(r.entry());
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("history entry is not serialisable", e);
        }
        return new SqlStatement("""
                INSERT INTO change_history (tenant_id, entity_type, entity_id, version, operation, source, actor,
                                            client_id, correlation_id, occurred_at, entry)
                SELECT t, et, id, v, op, src, a, cl, co, at, e::jsonb
                  FROM unnest($1::text[], $2::text[], $3::uuid[], $4::int8[], $5::text[], $6::text[], $7::text[],
                              $8::text[], $9::text[], $10::timestamptz[], $11::text[])
                       WITH ORDINALITY AS r(t, et, id, v, op, src, a, cl, co, at, e, n)
                 ORDER BY n
                """, new Object[] { tenants, types, ids, versions, operations, sources, actors, clients,
                correlations, times, entries });
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
                (String) row[8], instant(row[9]), changes, snapshot(entry));
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
