package io.clientele.sales.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.customer.domain.CustomerService;
import io.clientele.platform.errors.FieldError;
import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;
import io.clientele.platform.history.ChangeSource;
import io.clientele.platform.history.History;
import io.clientele.platform.http.ETags.Precondition;
import io.clientele.platform.outbox.DomainEvent;
import io.clientele.platform.outbox.Outbox;
import io.clientele.platform.persistence.TenantRecord;
import io.clientele.platform.query.SqlFragment;
import io.clientele.platform.security.Caller;
import io.clientele.platform.security.RecordScope;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Activities and tasks. Logging an activity against an opportunity (or completing a task on it)
 * counts as activity for stale-deal detection and for the win-probability features.
 */
@ApplicationScoped
public class ActivityService {

    public static final String ENTITY = "activity";

    private final ActivityRepository activities;
    private final OpportunityRepository opportunities;
    private final CustomerService customers;
    private final SalesScopes scopes;
    private final History history;
    private final Outbox outbox;

    ActivityService(ActivityRepository activities, OpportunityRepository opportunities, CustomerService customers,
            SalesScopes scopes, History history, Outbox outbox) {
        this.activities = activities;
        this.opportunities = opportunities;
        this.customers = customers;
        this.scopes = scopes;
        this.history = history;
        this.outbox = outbox;
    }

    @WithTransaction
    public Uni<Activity> create(Caller caller, String requestId, ActivityDraft draft) {
        return resolve(caller, draft).chain(resolved -> {
            Activity a = new Activity();
            a.initialise(caller.tenantId());
            apply(a, resolved);
            a.createdBy = caller.subject();
            if (a.task() && "done".equals(a.status)) {
                a.completedAt = a.createdAt;
            }
            return activities.persist(a)
                    .call(saved -> touchOpportunity(saved))
                    .call(saved -> recorded(caller, requestId, null, saved, "create", "activity.created", null));
        });
    }

    @WithSession
    public Uni<Activity> get(Caller caller, UUID id) {
        return scopes.scope(caller, SalesScopes.ACTIVITIES).chain(scope -> activities.findActive(caller.tenantId(), id)
                .map(a -> {
                    if (a == null) {
                        throw ProblemException.notFound("activity", id);
                    }
                    if (!(scope.permits(a.ownerId) || caller.subject().equals(a.assigneeId))) {
                        throw RecordScope.hidden("activity", id);
                    }
                    return a;
                }));
    }

    @WithTransaction
    public Uni<Activity> update(Caller caller, String requestId, UUID id, Precondition precondition,
            Function<ActivityDraft, ActivityDraft> change) {
        return get(caller, id).chain(a -> {
            precondition.check(a.version);
            Map<String, Object> before = view(a);
            ActivityDraft draft = change.apply(draft(a));
            if (!draft.type().equals(a.type)) {
                throw new ProblemException(ProblemType.VALIDATION_FAILED, "/type: cannot change the type",
                        List.of(new FieldError("/type", "cannot change the type of an activity")));
            }
            return resolve(caller, draft).chain(resolved -> {
                String oldStatus = a.status;
                apply(a, resolved);
                if (a.task() && !Objects.equals(oldStatus, a.status)) {
                    a.completedAt = "done".equals(a.status) ? TenantRecord.now() : null;
                }
                Map<String, Object> after = view(a);
                List<String> changed = new ArrayList<>();
                after.forEach((k, v) -> {
                    if (!Objects.equals(before.get(k), v) && !k.equals("updatedAt") && !k.equals("version")) {
                        changed.add(k);
                    }
                });
                if (changed.isEmpty()) {
                    return Uni.createFrom().item(a);
                }
                a.touch();
                return activities.flush().replaceWith(a)
                        .call(saved -> touchOpportunity(saved))
                        .call(saved -> recorded(caller, requestId, before, saved, "update", "activity.updated",
                                changed));
            });
        });
    }

    @WithTransaction
    public Uni<Void> delete(Caller caller, String requestId, UUID id, Precondition precondition) {
        return get(caller, id).chain(a -> {
            precondition.check(a.version);
            Map<String, Object> before = view(a);
            a.deletedAt = TenantRecord.now();
            a.touch();
            return activities.flush().chain(() -> history.record(caller, requestId, ChangeSource.API, ENTITY, a.id,
                    a.version, "delete", before, before))
                    .chain(() -> outbox.record(caller, requestId, event(a, "activity.deleted",
                            Map.of("id", a.id.toString()))));
        });
    }

    @WithSession
    public Uni<List<Activity>> list(Caller caller, SqlFragment where, String orderBy, int limit) {
        return scopes.scope(caller, SalesScopes.ACTIVITIES).chain(scope -> {
            // Besides the records the scope allows, a caller always sees the tasks assigned to them.
            SqlFragment visible = scope.all() ? SqlFragment.TRUE : new SqlFragment("(" + scope.on("owner_id").sql()
                    + ") OR assignee_id = :s_assignee", with(scope.on("owner_id").params(), caller.subject()));
            return activities.list(caller.tenantId(), where.and(visible), orderBy, limit);
        });
    }

    private static Map<String, Object> with(Map<String, Object> params, String subject) {
        Map<String, Object> all = new LinkedHashMap<>(params);
        all.put("s_assignee", subject);
        return all;
    }

    private Uni<Void> touchOpportunity(Activity a) {
        if (a.opportunityId == null || (a.task() && !"done".equals(a.status))) {
            return Uni.createFrom().voidItem();
        }
        return opportunities.touchActivity(a.tenantId, a.opportunityId,
                a.task() && a.completedAt != null ? a.completedAt : a.occurredAt);
    }

    /** Checks references; an opportunity given without a customer supplies its customer. */
    private Uni<ActivityDraft> resolve(Caller caller, ActivityDraft d) {
        Uni<UUID> customer = d.opportunityId() == null ? Uni.createFrom().item(d.customerId())
                : scopes.scope(caller, SalesScopes.OPPORTUNITIES).chain(scope -> opportunities
                        .findActive(caller.tenantId(), d.opportunityId()).map(o -> o != null && scope.permits(o.ownerId)
                                ? o : null)).map(o -> {
                    // An opportunity the caller may not see is reported like a missing one.
                    if (o == null) {
                        throw invalid("/opportunityId", "no such opportunity");
                    }
                    if (d.customerId() != null && !d.customerId().equals(o.customerId)) {
                        throw invalid("/customerId", "is not the customer of the opportunity");
                    }
                    return o.customerId;
                });
        return customer.chain(customerId -> {
            if (customerId == null) {
                throw invalid("/customerId", "is required (or give opportunityId)");
            }
            return customers.existing(caller, List.of(customerId)).map(found -> {
                if (found.isEmpty()) {
                    throw invalid("/customerId", "no such customer");
                }
                return new ActivityDraft(d.type(), customerId, d.opportunityId(), d.subject(), d.body(),
                        d.occurredAt(), d.ownerId(), d.dueAt(), d.assigneeId(), d.status());
            });
        });
    }

    private static ProblemException invalid(String pointer, String detail) {
        return new ProblemException(ProblemType.VALIDATION_FAILED, pointer + ": " + detail,
                List.of(new FieldError(pointer, detail)));
    }

    private static void apply(Activity a, ActivityDraft d) {
        a.type = d.type();
        a.customerId = d.customerId();
        a.opportunityId = d.opportunityId();
        a.subject = d.subject();
        a.body = d.body();
        a.occurredAt = d.occurredAt() != null ? d.occurredAt() : (a.occurredAt != null ? a.occurredAt : a.createdAt);
        a.ownerId = d.ownerId();
        a.dueAt = d.dueAt();
        a.assigneeId = d.assigneeId();
        a.status = d.status();
    }

    public static ActivityDraft draft(Activity a) {
        return new ActivityDraft(a.type, a.customerId, a.opportunityId, a.subject, a.body, a.occurredAt, a.ownerId,
                a.dueAt, a.assigneeId, a.status);
    }

    private Uni<Void> recorded(Caller caller, String requestId, Map<String, Object> before, Activity a,
            String operation, String type, List<String> changed) {
        Map<String, Object> after = view(a);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("activity", after);
        if (changed != null) {
            data.put("changedFields", changed);
        }
        return history.record(caller, requestId, ChangeSource.API, ENTITY, a.id, a.version, operation, before, after)
                .chain(() -> outbox.record(caller, requestId, event(a, type, data)));
    }

    static DomainEvent event(Activity a, String type, Object data) {
        return new DomainEvent(OpportunityService.TOPIC, "activities", a.id.toString(), type, data);
    }

    /** The one representation of an activity (API, history, events, timeline). */
    public static Map<String, Object> view(Activity a) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", a.id.toString());
        v.put("type", a.type);
        v.put("customerId", a.customerId.toString());
        v.put("opportunityId", a.opportunityId == null ? null : a.opportunityId.toString());
        v.put("subject", a.subject);
        v.put("body", a.body);
        v.put("occurredAt", a.occurredAt.toString());
        v.put("ownerId", a.ownerId);
        if (a.task()) {
            v.put("dueAt", a.dueAt == null ? null : a.dueAt.toString());
            v.put("assigneeId", a.assigneeId);
            v.put("status", a.status);
            v.put("completedAt", a.completedAt == null ? null : a.completedAt.toString());
        }
        v.put("version", a.version);
        v.put("createdAt", a.createdAt.toString());
        v.put("updatedAt", a.updatedAt.toString());
        return v;
    }
}
