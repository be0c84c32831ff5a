package io.clientele.service.sla;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.history.ChangeSource;
import io.clientele.platform.http.ETags;
import io.clientele.platform.outbox.DomainEvent;
import io.clientele.platform.outbox.Outbox;
import io.clientele.platform.persistence.TenantRecord;
import io.clientele.platform.security.Caller;
import io.clientele.service.tickets.Ticket;
import io.clientele.service.tickets.TicketDraft;
import io.clientele.service.tickets.TicketPriority;
import io.clientele.service.tickets.TicketService;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Announces SLA warnings and breaches that have come due, and takes the policy's escalation actions. Each
 * batch claims its clocks and their tickets with {@code FOR UPDATE SKIP LOCKED} and marks them announced in
 * the same transaction as the outbox events, so across any number of replicas each is announced once.
 */
@ApplicationScoped
public class SlaScheduler {

    private static final Logger LOG = Logger.getLogger(SlaScheduler.class);

    private final ClienteleConfig.Sla config;
    private final SlaClocks clocks;
    private final PolicyRepository policies;
    private final TicketService tickets;
    private final Outbox outbox;

    SlaScheduler(ClienteleConfig config, SlaClocks clocks, PolicyRepository policies, TicketService tickets,
            Outbox outbox) {
        this.config = config.sla();
        this.clocks = clocks;
        this.policies = policies;
        this.tickets = tickets;
        this.outbox = outbox;
    }

    @Scheduled(every = "${clientele.sla.poll-interval}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        if (!config.schedulerEnabled()) {
            return Uni.createFrom().voidItem();
        }
        return runOnce().onFailure().recoverWithItem(e -> {
            LOG.warnf("SLA scheduler batch failed, will retry: %s", e.getMessage());
            return 0;
        }).replaceWithVoid();
    }

    /** Announces one batch of due warnings and breaches; returns how many clocks were handled. */
    public Uni<Integer> runOnce() {
        Instant now = TenantRecord.now();
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> session.createNativeQuery("""
                SELECT CAST(c.id AS text) FROM ticket_sla_clock c JOIN ticket t ON t.id = c.ticket_id
                 WHERE c.next_event_at <= :now
                 ORDER BY c.next_event_at
                 LIMIT :limit
                   FOR UPDATE OF c, t SKIP LOCKED
                """, String.class).setParameter("now", now).setParameter("limit", config.batchSize())
                .getResultList())
                .chain(ids -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (String id : ids) {
                        chain = chain.chain(() -> handle(UUID.fromString(id), now));
                    }
                    return chain.replaceWith(ids.size());
                }));
    }

    private Uni<Void> handle(UUID clockId, Instant now) {
        return Panache.getSession().chain(s -> s.find(SlaClock.class, clockId)).chain(c -> {
            Caller system = SlaTracker.system(c.tenantId);
            return tickets.lock(system, c.ticketId).chain(t -> policies.find(c.tenantId, c.policyId).chain(policy -> {
                Uni<Void> chain = Uni.createFrom().voidItem();
                if (c.warnedAt == null && c.breachedAt == null && c.warnAt != null && !c.warnAt.isAfter(now)) {
                    c.warnedAt = now;
                    chain = chain.chain(() -> announce(system, c, t, "ticket.sla_warning"))
                            .chain(() -> escalate(system, c, t, policy, Escalation.WARNING));
                }
                if (c.breachedAt == null && c.dueAt != null && !c.dueAt.isAfter(now)) {
                    c.breachedAt = now;
                    chain = chain.chain(() -> clocks.result(c, now, false, t.teamId))
                            .chain(() -> announce(system, c, t, "ticket.sla_breached"))
                            .chain(() -> escalate(system, c, t, policy, Escalation.BREACH));
                }
                c.schedule();
                return chain;
            }));
        });
    }

    private Uni<Void> announce(Caller system, SlaClock c, Ticket t, String type) {
        Map<String, Object> data = clockData(c, t);
        return outbox.record(system, null, new DomainEvent(TicketService.TOPIC, "tickets", t.id.toString(), type, data));
    }

    private static Map<String, Object> clockData(SlaClock c, Ticket t) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("ticketId", t.id.toString());
        data.put("metric", c.metric);
        data.put("cycle", c.cycle);
        data.put("policy", Map.of("id", c.policyId.toString(), "name", c.policyName));
        data.put("target", java.time.Duration.ofSeconds(c.targetSeconds).toString());
        if (c.dueAt != null) {
            data.put("dueAt", c.dueAt.toString());
        }
        if (c.warnedAt != null) {
            data.put("warnedAt", c.warnedAt.toString());
        }
        if (c.breachedAt != null) {
            data.put("breachedAt", c.breachedAt.toString());
        }
        data.put("priority", t.priority);
        data.put("status", t.status);
        if (t.assigneeId != null) {
            data.put("assigneeId", t.assigneeId);
        }
        if (t.teamId != null) {
            data.put("teamId", t.teamId.toString());
        }
        return data;
    }

    private Uni<Void> escalate(Caller system, SlaClock c, Ticket t, SlaPolicy policy, String on) {
        if (policy == null) {
            return Uni.createFrom().voidItem();
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Map<String, Object> action : policy.actions()) {
            if (Escalation.applies(action, on, c.metric)) {
                chain = chain.chain(() -> act(system, c, t, on, action));
            }
        }
        return chain;
    }

    private Uni<Void> act(Caller system, SlaClock c, Ticket t, String on, Map<String, Object> action) {
        Map<String, Object> data = clockData(c, t);
        data.put("on", on);
        data.put("action", action.get("action"));
        Uni<Void> done;
        switch ((String) action.get("action")) {
            case Escalation.RAISE_PRIORITY -> {
                TicketPriority current = t.priority();
                if (current == TicketPriority.URGENT) {
                    return Uni.createFrom().voidItem();
                }
                TicketPriority raised = TicketPriority.values()[current.ordinal() + 1];
                data.put("from", current.apiName());
                data.put("to", raised.apiName());
                done = tickets.update(system, null, t.id, new ETags.Precondition(true, List.of()),
                        tk -> new TicketDraft(tk.type(), tk.channel(), raised, null, tk.subject, tk.customerId,
                                tk.assigneeId, tk.teamId, List.of(tk.tags), tk.attributes)).replaceWithVoid();
            }
            case Escalation.REASSIGN -> {
                UUID team = action.get("teamId") == null ? t.teamId : UUID.fromString((String) action.get("teamId"));
                String assignee = (String) action.get("assigneeId");
                Map<String, Object> why = new LinkedHashMap<>();
                why.put("method", "sla_escalation");
                why.put("reason", c.metric + " " + on + " under SLA policy " + c.policyName);
                why.put("at", TenantRecord.now().toString());
                data.put("teamId", team == null ? null : team.toString());
                data.put("assigneeId", assignee);
                done = tickets.assign(system, null, ChangeSource.SYSTEM, t, team, assignee, why).replaceWithVoid();
            }
            default -> {
                data.put("recipients", action.getOrDefault("recipients", List.of()));
                done = Uni.createFrom().voidItem();
            }
        }
        return done.chain(() -> outbox.record(system, null,
                new DomainEvent(TicketService.TOPIC, "tickets", t.id.toString(), "ticket.sla_escalated", data)));
    }
}
