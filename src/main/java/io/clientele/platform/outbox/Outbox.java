package io.clientele.platform.outbox;

import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.platform.persistence.TenantRecord;
import io.clientele.platform.security.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Records domain events in the current transaction; {@link OutboxRelay} publishes them. */
@ApplicationScoped
public class Outbox {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final ObjectMapper mapper;

    Outbox(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Must run inside the transaction of the change. */
    public Uni<Void> record(Caller caller, String correlationId, DomainEvent event) {
        OutboxEvent row = new OutboxEvent();
        row.id = UUID.randomUUID();
        row.tenantId = caller.tenantId();
        row.topic = event.topic();
        row.aggregateType = event.aggregateType();
        row.aggregateId = event.aggregateId();
        row.eventType = event.type();
        row.occurredAt = TenantRecord.now();
        row.actor = caller.subject();
        row.correlationId = correlationId;
        row.data = mapper.convertValue(event.data(), MAP);
        // Flushing the change first takes its row lock before the outbox sequence number is drawn,
        // so two writers of the same record get sequence numbers in commit order.
        return Panache.getSession().chain(session -> session.flush()).chain(() -> row.persist()).replaceWithVoid();
    }
}
