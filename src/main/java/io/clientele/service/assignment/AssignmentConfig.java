package io.clientele.service.assignment;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.errors.FieldError;
import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;
import io.clientele.platform.history.ChangeSource;
import io.clientele.platform.history.History;
import io.clientele.platform.http.ETags.Precondition;
import io.clientele.platform.outbox.DomainEvent;
import io.clientele.platform.outbox.Outbox;
import io.clientele.platform.paging.PageQueries;
import io.clientele.platform.query.SqlFragment;
import io.clientele.platform.security.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Agent profiles and assignment rules: the configuration routing reads. Changes are recorded in the
 * history and emitted on {@code clientele.assignment}.
 */
@ApplicationScoped
public class AssignmentConfig {

    public static final String TOPIC = "clientele.assignment";

    private final Outbox outbox;
    private final History history;

    AssignmentConfig(Outbox outbox, History history) {
        this.outbox = outbox;
        this.history = history;
    }

    /** The validated fields of an agent profile. */
    public record AgentDraft(String displayName, int capacity, List<String> skills, boolean available) {
    }

    /** The validated fields of a rule. */
    public record RuleDraft(String name, int position, boolean enabled, RuleConditions conditions, UUID teamId,
            AssignmentRule.Strategy strategy, List<String> skills) {
    }

    /** Creates or replaces the profile of {@code subject}; answers whether it was created. */
    @WithTransaction
    public Uni<Map.Entry<ServiceAgent, Boolean>> putAgent(Caller caller, String requestId, String subject,
            AgentDraft draft) {
        return findAgent(caller.tenantId(), subject).chain(existing -> {
            ServiceAgent a = existing;
            boolean created = a == null;
            Object before = created ? null : AssignmentViews.agent(a, null);
            if (created) {
                a = new ServiceAgent();
                a.initialise(caller.tenantId());
                a.subject = subject;
            } else {
                a.touch();
            }
            a.displayName = draft.displayName();
            a.capacity = draft.capacity();
            a.skills = draft.skills().toArray(String[]::new);
            a.available = draft.available();
            ServiceAgent agent = a;
            return (created ? agent.<ServiceAgent>persist() : Uni.createFrom().item(agent))
                    .call(() -> Panache.getSession().chain(s -> s.flush()))
                    .call(() -> history.record(caller, requestId, ChangeSource.API, "service_agent", agent.id,
                            agent.version, created ? "create" : "update", before, AssignmentViews.agent(agent, null)))
                    .call(() -> outbox.record(caller, requestId, new DomainEvent(TOPIC, "agents", agent.subject,
                            "agent.updated", Map.of("agent", AssignmentViews.agent(agent, null)))))
                    .map(saved -> Map.entry(saved, created));
        });
    }

    @WithSession
    public Uni<ServiceAgent> agent(Caller caller, String subject) {
        return findAgent(caller.tenantId(), subject).onItem().ifNull()
                .failWith(() -> ProblemException.notFound("agent", subject));
    }

    private Uni<ServiceAgent> findAgent(String tenantId, String subject) {
        return ServiceAgent.<ServiceAgent>find("tenantId = ?1 and subject = ?2", tenantId, subject).firstResult();
    }

    @WithSession
    public Uni<List<ServiceAgent>> agents(Caller caller, SqlFragment where, String orderBy, int limit) {
        return PageQueries.fetch(ServiceAgent.class, "service_agent", caller.tenantId(), "TRUE", where, orderBy, limit);
    }

    @WithTransaction
    public Uni<AssignmentRule> createRule(Caller caller, String requestId, RuleDraft draft) {
        return checkRule(caller, draft, null).chain(() -> {
            AssignmentRule r = new AssignmentRule();
            r.initialise(caller.tenantId());
            apply(r, draft);
            return r.<AssignmentRule>persist();
        }).call(r -> recorded(caller, requestId, r, "create", null, "assignment_rule.created"));
    }

    @WithTransaction
    public Uni<AssignmentRule> updateRule(Caller caller, String requestId, UUID id, Precondition precondition,
            Function<AssignmentRule, RuleDraft> change) {
        return findRule(caller, id).chain(r -> {
            precondition.check(r.version);
            RuleDraft draft = change.apply(r);
            Object before = AssignmentViews.rule(r);
            return checkRule(caller, draft, r.id).chain(() -> {
                apply(r, draft);
                r.touch();
                return Panache.getSession().chain(s -> s.flush()).replaceWith(r);
            }).call(saved -> recorded(caller, requestId, saved, "update", before, "assignment_rule.updated"));
        });
    }

    @WithTransaction
    public Uni<Void> deleteRule(Caller caller, String requestId, UUID id, Precondition precondition) {
        return findRule(caller, id).chain(r -> {
            precondition.check(r.version);
            Object last = AssignmentViews.rule(r);
            return r.delete()
                    .chain(() -> history.record(caller, requestId, ChangeSource.API, "assignment_rule", r.id, r.version,
                            "delete", null, last))
                    .chain(() -> outbox.record(caller, requestId, new DomainEvent(TOPIC, "assignment-rules",
                            r.id.toString(), "assignment_rule.deleted", Map.of("id", r.id.toString()))));
        });
    }

    @WithSession
    public Uni<AssignmentRule> rule(Caller caller, UUID id) {
        return findRule(caller, id);
    }

    @WithSession
    public Uni<List<AssignmentRule>> rules(Caller caller, SqlFragment where, String orderBy, int limit) {
        return PageQueries.fetch(AssignmentRule.class, "assignment_rule", caller.tenantId(), "TRUE", where, orderBy,
                limit);
    }

    private Uni<AssignmentRule> findRule(Caller caller, UUID id) {
        return AssignmentRule.<AssignmentRule>find("id = ?1 and tenantId = ?2", id, caller.tenantId()).firstResult()
                .onItem().ifNull().failWith(() -> ProblemException.notFound("assignment rule", id));
    }

    private Uni<Void> recorded(Caller caller, String requestId, AssignmentRule r, String operation, Object before,
            String type) {
        return Panache.getSession().chain(s -> s.flush())
                .chain(() -> history.record(caller, requestId, ChangeSource.API, "assignment_rule", r.id, r.version,
                        operation, before, AssignmentViews.rule(r)))
                .chain(() -> outbox.record(caller, requestId, new DomainEvent(TOPIC, "assignment-rules",
                        r.id.toString(), type, Map.of("rule", AssignmentViews.rule(r)))));
    }

    private static void apply(AssignmentRule r, RuleDraft d) {
        r.name = d.name();
        r.position = d.position();
        r.enabled = d.enabled();
        r.conditions = d.conditions();
        r.teamId = d.teamId();
        r.strategy = d.strategy().apiName();
        r.skills = d.skills().toArray(String[]::new);
    }

    /** The team and segments must exist in the tenant, and the name be free (ignoring case). */
    private Uni<Void> checkRule(Caller caller, RuleDraft d, UUID self) {
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                SELECT (SELECT count(*) FROM team WHERE tenant_id = :tenant AND id = :team),
                       (SELECT count(*) FROM segment WHERE tenant_id = :tenant AND id = ANY(CAST(:segments AS uuid[]))),
                       (SELECT count(*) FROM assignment_rule WHERE tenant_id = :tenant AND lower(name) = lower(:name)
                           AND id <> :self)
                """, Object[].class).setParameter("tenant", caller.tenantId()).setParameter("team", d.teamId())
                .setParameter("segments", d.conditions().segmentIds().toArray(UUID[]::new))
                .setParameter("name", d.name())
                .setParameter("self", self == null ? new UUID(0, 0) : self).getSingleResult()).invoke(row -> {
                    if (((Number) row[0]).longValue() == 0) {
                        throw new ProblemException(ProblemType.VALIDATION_FAILED, "/teamId: no such team",
                                List.of(new FieldError("/teamId", "no team with this id exists")));
                    }
                    if (((Number) row[1]).longValue() != d.conditions().segmentIds().size()) {
                        throw new ProblemException(ProblemType.VALIDATION_FAILED,
                                "/conditions/segmentIds: no such segment", List.of(new FieldError(
                                        "/conditions/segmentIds", "every id must name a segment of the tenant")));
                    }
                    if (((Number) row[2]).longValue() > 0) {
                        throw new ProblemException(ProblemType.CONFLICT, "an assignment rule named '" + d.name()
                                + "' already exists").with("field", "name");
                    }
                }).replaceWithVoid();
    }
}
