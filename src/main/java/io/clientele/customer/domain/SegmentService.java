package io.clientele.customer.domain;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;
import io.clientele.platform.history.Diff;
import io.clientele.platform.http.ETags.Precondition;
import io.clientele.platform.outbox.DomainEvent;
import io.clientele.platform.outbox.Outbox;
import io.clientele.platform.persistence.TenantRecord;
import io.clientele.platform.query.SqlFragment;
import io.clientele.platform.security.Caller;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/** Segment use cases: saved filters over customers, counted and listed live; emits segment.* events. */
@ApplicationScoped
public class SegmentService {

    public static final String TOPIC = "clientele.segments";

    /** A segment's writable state; {@code filter} has been checked against the customer schema. */
    public record SegmentDraft(String name, String description, String filter) {
    }

    private final SegmentRepository segments;
    private final CustomerService customers;
    private final Outbox outbox;

    SegmentService(SegmentRepository segments, CustomerService customers, Outbox outbox) {
        this.segments = segments;
        this.customers = customers;
        this.outbox = outbox;
    }

    @WithTransaction
    public Uni<Segment> create(Caller caller, String requestId, SegmentDraft draft) {
        return uniqueName(caller, draft.name(), null).chain(() -> {
            Segment s = new Segment();
            s.initialise(caller.tenantId());
            s.name = draft.name();
            s.description = draft.description();
            s.filter = draft.filter();
            s.createdBy = caller.subject();
            return segments.persist(s).call(saved -> outbox.record(caller, requestId,
                    event(saved.id, "segment.created", Map.of("segment", saved.view()))));
        });
    }

    @WithTransaction
    public Uni<Segment> update(Caller caller, String requestId, UUID id, Precondition precondition,
            UnaryOperator<SegmentDraft> change) {
        return get(caller, id).chain(s -> {
            precondition.check(s.version);
            SegmentDraft draft = change.apply(new SegmentDraft(s.name, s.description, s.filter));
            return uniqueName(caller, draft.name(), s.id).chain(() -> {
                Map<String, Object> before = s.view();
                s.name = draft.name();
                s.description = draft.description();
                s.filter = draft.filter();
                List<String> changed = Diff.changedFields(before, s.view(), Set.of());
                if (changed.isEmpty()) {
                    return Uni.createFrom().item(s);
                }
                s.touch();
                return segments.flush().replaceWith(s).call(saved -> outbox.record(caller, requestId,
                        event(saved.id, "segment.updated", Map.of("segment", saved.view(), "changedFields", changed))));
            });
        });
    }

    @WithTransaction
    public Uni<Void> delete(Caller caller, String requestId, UUID id, Precondition precondition) {
        return get(caller, id).chain(s -> {
            precondition.check(s.version);
            return segments.delete(s).chain(() -> outbox.record(caller, requestId, event(s.id, "segment.deleted",
                    Map.of("id", s.id.toString(), "deletedAt", TenantRecord.now().toString()))));
        });
    }

    @WithSession
    public Uni<Segment> get(Caller caller, UUID id) {
        return segments.find(caller.tenantId(), id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("segment", id));
    }

    @WithSession
    public Uni<List<Segment>> list(Caller caller, SqlFragment where, String orderBy, int limit) {
        return segments.list(caller.tenantId(), where, orderBy, limit);
    }

    /** How many customers match the compiled segment filter now. */
    @WithSession
    public Uni<Long> count(Caller caller, SqlFragment where) {
        return customers.count(caller, where);
    }

    private Uni<Void> uniqueName(Caller caller, String name, UUID self) {
        return segments.nameTaken(caller.tenantId(), name, self).invoke(taken -> {
            if (taken) {
                throw new ProblemException(ProblemType.CONFLICT, "a segment named '" + name + "' already exists")
                        .with("field", "name");
            }
        }).replaceWithVoid();
    }

    private static DomainEvent event(UUID id, String type, Object data) {
        return new DomainEvent(TOPIC, "segments", id.toString(), type, data);
    }
}
