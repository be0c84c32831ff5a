package io.clientele.service.sla;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.errors.FieldError;
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

/** Business calendars and SLA policies: definitions only; emits sla_calendar.* and sla_policy.* events. */
@ApplicationScoped
public class SlaSettings {

    public static final String TOPIC = "clientele.sla";

    private final CalendarRepository calendars;
    private final PolicyRepository policies;
    private final Outbox outbox;

    SlaSettings(CalendarRepository calendars, PolicyRepository policies, Outbox outbox) {
        this.calendars = calendars;
        this.policies = policies;
        this.outbox = outbox;
    }

    // --- calendars ---------------------------------------------------------------------------

    @WithTransaction
    public Uni<BusinessCalendar> createCalendar(Caller caller, String requestId, BusinessCalendar.Draft draft) {
        return unique(calendars.nameTaken(caller.tenantId(), draft.name(), null), "calendar", draft.name())
                .chain(() -> {
                    BusinessCalendar c = new BusinessCalendar();
                    c.initialise(caller.tenantId());
                    c.apply(draft);
                    return calendars.persist(c);
                })
                .call(c -> outbox.record(caller, requestId, event("sla-calendars", c.id, "sla_calendar.created",
                        Map.of("calendar", c.view()))));
    }

    @WithTransaction
    public Uni<BusinessCalendar> updateCalendar(Caller caller, String requestId, UUID id, Precondition precondition,
            UnaryOperator<BusinessCalendar.Draft> change) {
        return calendar(caller, id).chain(c -> {
            precondition.check(c.version);
            BusinessCalendar.Draft draft = change.apply(c.toDraft());
            return unique(calendars.nameTaken(caller.tenantId(), draft.name(), c.id), "calendar", draft.name())
                    .chain(() -> {
                        Map<String, Object> before = c.view();
                        c.apply(draft);
                        List<String> changed = Diff.changedFields(before, c.view(), Set.of());
                        if (changed.isEmpty()) {
                            return Uni.createFrom().item(c);
                        }
                        c.touch();
                        return calendars.flush().replaceWith(c).call(saved -> outbox.record(caller, requestId,
                                event("sla-calendars", c.id, "sla_calendar.updated",
                                        Map.of("calendar", saved.view(), "changedFields", changed))));
                    });
        });
    }

    @WithTransaction
    public Uni<Void> deleteCalendar(Caller caller, String requestId, UUID id, Precondition precondition) {
        return calendar(caller, id).chain(c -> {
            precondition.check(c.version);
            return policies.calendarUsed(caller.tenantId(), c.id).chain(used -> {
                if (used) {
                    throw new ProblemException(ProblemType.CONFLICT,
                            "SLA policies use this calendar; change them first");
                }
                return calendars.delete(c);
            }).chain(() -> outbox.record(caller, requestId, event("sla-calendars", c.id, "sla_calendar.deleted",
                    Map.of("id", c.id.toString(), "deletedAt", TenantRecord.now().toString()))));
        });
    }

    @WithSession
    public Uni<BusinessCalendar> calendar(Caller caller, UUID id) {
        return calendars.find(caller.tenantId(), id).onItem().ifNull()
                .failWith(() -> ProblemException.notFound("calendar", id));
    }

    @WithSession
    public Uni<List<BusinessCalendar>> calendars(Caller caller, SqlFragment where, String orderBy, int limit) {
        return calendars.list(caller.tenantId(), where, orderBy, limit);
    }

    // --- policies ----------------------------------------------------------------------------

    @WithTransaction
    public Uni<SlaPolicy> createPolicy(Caller caller, String requestId, SlaPolicy.Draft draft) {
        return checkPolicy(caller, draft, null).chain(() -> {
            SlaPolicy p = new SlaPolicy();
            p.initialise(caller.tenantId());
            p.apply(draft);
            return policies.persist(p);
        }).call(p -> outbox.record(caller, requestId, event("sla-policies", p.id, "sla_policy.created",
                Map.of("policy", p.view()))));
    }

    @WithTransaction
    public Uni<SlaPolicy> updatePolicy(Caller caller, String requestId, UUID id, Precondition precondition,
            UnaryOperator<SlaPolicy.Draft> change) {
        return policy(caller, id).chain(p -> {
            precondition.check(p.version);
            SlaPolicy.Draft draft = change.apply(p.toDraft());
            return checkPolicy(caller, draft, p.id).chain(() -> {
                Map<String, Object> before = p.view();
                p.apply(draft);
                List<String> changed = Diff.changedFields(before, p.view(), Set.of());
                if (changed.isEmpty()) {
                    return Uni.createFrom().item(p);
                }
                p.touch();
                return policies.flush().replaceWith(p).call(saved -> outbox.record(caller, requestId,
                        event("sla-policies", p.id, "sla_policy.updated",
                                Map.of("policy", saved.view(), "changedFields", changed))));
            });
        });
    }

    @WithTransaction
    public Uni<Void> deletePolicy(Caller caller, String requestId, UUID id, Precondition precondition) {
        return policy(caller, id).chain(p -> {
            precondition.check(p.version);
            return policies.delete(p).chain(() -> outbox.record(caller, requestId, event("sla-policies", p.id,
                    "sla_policy.deleted", Map.of("id", p.id.toString(), "deletedAt", TenantRecord.now().toString()))));
        });
    }

    @WithSession
    public Uni<SlaPolicy> policy(Caller caller, UUID id) {
        return policies.find(caller.tenantId(), id).onItem().ifNull()
                .failWith(() -> ProblemException.notFound("SLA policy", id));
    }

    @WithSession
    public Uni<List<SlaPolicy>> policies(Caller caller, SqlFragment where, String orderBy, int limit) {
        return policies.list(caller.tenantId(), where, orderBy, limit);
    }

    private Uni<Void> checkPolicy(Caller caller, SlaPolicy.Draft draft, UUID self) {
        Uni<Void> calendarExists = draft.calendarId() == null ? Uni.createFrom().voidItem()
                : calendars.find(caller.tenantId(), draft.calendarId()).invoke(c -> {
                    if (c == null) {
                        throw new ProblemException(ProblemType.VALIDATION_FAILED, "no calendar with this id exists",
                                List.of(new FieldError("/calendarId", "no calendar with this id exists")));
                    }
                }).replaceWithVoid();
        return calendarExists.chain(() -> unique(policies.nameTaken(caller.tenantId(), draft.name(), self),
                "SLA policy", draft.name()));
    }

    private static Uni<Void> unique(Uni<Boolean> taken, String what, String name) {
        return taken.invoke(t -> {
            if (t) {
                throw new ProblemException(ProblemType.CONFLICT, "a " + what + " named '" + name + "' already exists")
                        .with("field", "name");
            }
        }).replaceWithVoid();
    }

    private static DomainEvent event(String aggregate, UUID id, String type, Object data) {
        return new DomainEvent(TOPIC, aggregate, id.toString(), type, data);
    }
}
