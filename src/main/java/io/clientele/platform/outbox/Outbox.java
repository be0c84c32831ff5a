package io.clientele.platform.outbox;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.platform.audit.Audit;
import io.clientele.platform.persistence.SqlStatement;
import io.clientele.platform.persistence.TenantRecord;
import io.clientele.platform.security.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/** Records domain events in the current transaction; {@link OutboxRelay} publishes them. */
@ApplicationScoped
public class Outbox {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final ObjectMapper mapper;
    private final Audit audit;

    Outbox(ObjectMapper mapper, Audit audit) {
        this.mapper = mapper;
        this.audit = audit;
    }

    /** One event as a row of outbox_event, ready to insert: the single definition of what an event row holds. */
    public record Row(UUID id, String tenantId, String topic, String aggregateType, String aggregateId,
            String eventType, Instant occurredAt, String actor, String correlationId, Object data) {
    }

    public Row row(Caller caller, String correlationId, DomainEvent event) {
        return new Row(UUID.randomUUID(), caller.tenantId(), event.topic(), event.aggregateType(),
                event.aggregateId(), event.type(), TenantRecord.now(), caller.subject(), correlationId, event.data());
    }

    /** Must run inside the transaction of the change. */
    public Uni<Void> record(Caller caller, String correlationId, DomainEvent event) {
        Row r = row(caller, correlationId, event);
        OutboxEvent row = new OutboxEvent();
        row.id = r.id();
        row.tenantId = r.tenantId();
        row.topic = r.topic();
        row.aggregateType = r.aggregateType();
        row.aggregateId = r.aggregateId();
        row.eventType = r.eventType();
        row.occurredAt = r.occurredAt();
        row.actor = r.actor();
        row.correlationId = r.correlationId();
        row.data = mapper.convertValue(r.data(), MAP);
        // Flushing the change first takes its row lock before the outbox sequence number is drawn,
        // so two writers of the same record get sequence numbers in commit order.
        // Every write passes here inside its transaction: its audit entry commits with it (ADR 0023).
        return Panache.getSession().chain(session -> session.flush()).chain(() -> row.persist())
                .chain(() -> audit.inTransaction(caller, change(r)));
    }

    private static Audit.SystemChange change(Row r) {
        return new Audit.SystemChange(r.tenantId(), r.actor(), Audit.SYSTEM + " " + r.eventType(),
                r.aggregateType() + "/" + r.aggregateId(), r.correlationId());
    }

    /**
     * Records many events with one statement on {@code connection}, inside the transaction of their changes
     * (bulk writers such as imports); the rows get sequence numbers in list order. Write the changed records
     * first, so their row locks are held before the sequence numbers are drawn (see {@link #record}).
     */
    public Uni<Void> recordAll(SqlConnection connection, List<Row> rows) {
        return rows.isEmpty() ? Uni.createFrom().voidItem() : insert(rows).execute(connection)
                .chain(() -> audit.inTransaction(connection, callerOf(rows.get(0)), changes(rows)));
    }

    /** Records many events with one statement in the transaction of {@code session} (see {@link #recordAll}). */
    public Uni<Void> recordAll(Mutiny.Session session, List<Row> rows) {
        return rows.isEmpty() ? Uni.createFrom().voidItem() : insert(rows).execute(session)
                .chain(() -> audit.inTransaction(session, callerOf(rows.get(0)), changes(rows)));
    }

    private SqlStatement insert(List<Row> rows) {
        int n = rows.size();
        UUID[] ids = new UUID[n];
        String[] tenants = new String[n];
        String[] topics = new String[n];
        String[] aggregateTypes = new String[n];
        String[] aggregateIds = new String[n];
        String[] types = new String[n];
        OffsetDateTime[] times = new OffsetDateTime[n];
        String[] actors = new String[n];
        String[] correlations = new String[n];
        String[] data = new String[n];
        try {
            for (int i = 0; i < n; i++) {
                Row r = rows.get(i);
                ids[i] = r.id();
                tenants[i] = r.tenantId();
                topics[i] = r.topic();
                aggregateTypes[i] = r.aggregateType();
                aggregateIds[i] = r.aggregateId();
                types[i] = r.eventType();
                times[i] = r.occurredAt().atOffset(ZoneOffset.UTC);
                actors[i] = r.actor();
                correlations[i] = r.correlationId();
                data[i] = mapper.writeValueAsString(r.data());
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event data is not serialisable", e);
        }
        return new SqlStatement("""
                INSERT INTO outbox_event (id, tenant_id, topic, aggregate_type, aggregate_id, event_type,
                                          occurred_at, actor, correlation_id, data)
                SELECT id, t, tp, at, ai, et, oc, a, co, d::jsonb
                  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                              $7::timestamptz[], $8::text[], $9::text[], $10::text[])
                       WITH ORDINALITY AS r(id, t, tp, at, ai, et, oc, a, co, d, n)
                 ORDER BY n
                """, new Object[] { ids, tenants, topics, aggregateTypes, aggregateIds, types, times, actors,
                correlations, data });
    }

    // Bulk rows of one request share its caller; the request entry needs only tenant and actor from it.
    private static Caller callerOf(Row r) {
        return new Caller(r.tenantId(), r.actor(), null, java.util.Set.of());
    }

    private static List<Audit.SystemChange> changes(List<Row> rows) {
        return rows.stream().map(Outbox::change).toList();
    }
}
