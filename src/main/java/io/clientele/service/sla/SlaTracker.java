package io.clientele.service.sla;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.persistence.TenantRecord;
import io.clientele.platform.security.Caller;
import io.clientele.service.survey.SurveyService;
import io.clientele.service.tickets.MessageDirection;
import io.clientele.service.tickets.Ticket;
import io.clientele.service.tickets.TicketListener;
import io.clientele.service.tickets.TicketMessage;
import io.clientele.service.tickets.TicketStatus;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Keeps every ticket's SLA clocks in step with the ticket, inside the ticket's own transaction: starts them
 * on creation, stops first/next response on an agent's reply, starts a next-response cycle on a customer's
 * message, pauses while pending or on hold, stops resolution on solve (and sends the CSAT survey).
 */
@ApplicationScoped
public class SlaTracker implements TicketListener {

    public static final String FIRST_RESPONSE = "firstResponse";
    public static final String NEXT_RESPONSE = "nextResponse";
    public static final String RESOLUTION = "resolution";
    /** Actor of what the service does on its own (clock changes, surveys, escalations). */
    public static final String SYSTEM_ACTOR = "system:customer-service";

    private final PolicyRepository policies;
    private final SlaClocks clocks;
    private final SurveyService surveys;

    SlaTracker(PolicyRepository policies, SlaClocks clocks, SurveyService surveys) {
        this.policies = policies;
        this.clocks = clocks;
        this.surveys = surveys;
    }

    static Caller system(String tenantId) {
        return new Caller(tenantId, SYSTEM_ACTOR, null, Set.of());
    }

    static boolean waiting(TicketStatus status) {
        return status == TicketStatus.PENDING || status == TicketStatus.ON_HOLD;
    }

    /** The policy that applies to a ticket now, or null. */
    Uni<SlaPolicy> policyFor(Ticket t) {
        return policies.enabled(t.tenantId).map(list -> list.stream()
                .filter(p -> p.matches(t.priority, t.type)).findFirst().orElse(null));
    }

    @Override
    public Uni<Void> created(Ticket t) {
        return policyFor(t).chain(policy -> start(t, policy));
    }

    /**
     * The calls of a bulk write (intake): enabled policies read once per tenant, and the calls that cannot
     * change a clock skipped (a customer's message on a ticket the same batch created, whose first-response
     * clock no reply can have stopped yet; new to open); the rest as one by one.
     */
    @Override
    public Uni<Void> batch(List<Call> calls) {
        Map<String, List<SlaPolicy>> enabled = new HashMap<>();
        List<Call> relevant = calls.stream().filter(call -> !(call instanceof MessageAdded m && m.fresh()
                && m.message().direction() == MessageDirection.INBOUND
                || call instanceof StatusChanged s && !affectsClocks(s.from(), s.to()))).toList();
        return Multi.createFrom().iterable(relevant).onItem().transformToUniAndConcatenate(call -> {
            if (!(call instanceof Created)) {
                return dispatch(call);
            }
            Ticket t = call.ticket();
            return (enabled.containsKey(t.tenantId) ? Uni.createFrom().item(enabled.get(t.tenantId))
                    : policies.enabled(t.tenantId).invoke(list -> enabled.put(t.tenantId, list)))
                    .chain(list -> start(t, list.stream().filter(p -> p.matches(t.priority, t.type)).findFirst()
                            .orElse(null)));
        }).collect().last().replaceWithVoid();
    }

    /** Whether moving from {@code from} to {@code to} pauses, resumes or stops clocks (see statusChanged). */
    static boolean affectsClocks(TicketStatus from, TicketStatus to) {
        return waiting(to) || (to == TicketStatus.OPEN && waiting(from)) || to == TicketStatus.SOLVED
                || to == TicketStatus.CLOSED || from == TicketStatus.SOLVED; // a reopen starts a new cycle
    }

    private Uni<Void> start(Ticket t, SlaPolicy policy) {
        if (policy == null) {
            return Uni.createFrom().voidItem();
        }
        // The policy in force since creation first (ADR 0024), then its clocks.
        Uni<Void> chain = clocks.apply(t.tenantId, t.id, policy, t.createdAt);
        for (String metric : List.of(FIRST_RESPONSE, RESOLUTION)) {
            if (policy.target(metric) != null) {
                chain = chain.chain(() -> clocks.start(null, t.tenantId, t.id, metric, policy, t.createdAt,
                        waiting(t.status())).replaceWithVoid());
            }
        }
        return chain;
    }

    @Override
    public Uni<Void> messageAdded(Ticket t, TicketMessage m) {
        MessageDirection direction = m.direction();
        if (direction == MessageDirection.NOTE) {
            return Uni.createFrom().voidItem();
        }
        Instant at = m.createdAt;
        return clocks.of(t.tenantId, t.id).chain(list -> {
            SlaClock first = find(list, FIRST_RESPONSE);
            SlaClock next = find(list, NEXT_RESPONSE);
            if (direction == MessageDirection.OUTBOUND) {
                Uni<Void> chain = first == null ? Uni.createFrom().voidItem() : clocks.stop(first, at, true, t.teamId);
                return next == null ? chain : chain.chain(() -> clocks.stop(next, at, true, t.teamId));
            }
            // A customer's message after the first reply opens a next-response cycle (unless one is open).
            // A solved ticket is about to reopen (TicketService.append), so its customer's message counts too.
            boolean replied = first != null && !first.active();
            if (!replied || (next != null && next.active()) || t.status() == TicketStatus.CLOSED) {
                return Uni.createFrom().voidItem();
            }
            return policyFor(t).chain(policy -> policy == null || policy.target(NEXT_RESPONSE) == null
                    ? Uni.createFrom().voidItem()
                    : clocks.start(next, t.tenantId, t.id, NEXT_RESPONSE, policy, at, waiting(t.status()))
                            .replaceWithVoid());
        });
    }

    @Override
    public Uni<Void> statusChanged(Ticket t, TicketStatus from, TicketStatus to) {
        Instant at = TenantRecord.now();
        Uni<Void> clocksDone = clocks.of(t.tenantId, t.id).chain(list -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (SlaClock c : list) {
                if (waiting(to)) {
                    chain = chain.chain(() -> clocks.pause(c, at));
                } else if (to == TicketStatus.OPEN && waiting(from)) {
                    chain = chain.chain(() -> clocks.resume(c, at));
                } else if (to == TicketStatus.SOLVED || to == TicketStatus.CLOSED) {
                    chain = chain.chain(() -> clocks.stop(c, at, RESOLUTION.equals(c.metric), t.teamId));
                } else if (from == TicketStatus.SOLVED && RESOLUTION.equals(c.metric)
                        && !"cancelled".equals(c.outcome)) {
                    // Reopened: resolution is owed again; the time spent solved does not count.
                    chain = chain.chain(() -> clocks.reopen(c, at, waiting(to)));
                }
            }
            return chain;
        });
        if (to != TicketStatus.SOLVED) {
            return clocksDone;
        }
        return clocksDone.chain(() -> surveys.createInTransaction(system(t.tenantId), null, t.id, t.assigneeId,
                t.teamId == null ? null : t.teamId.toString())).replaceWithVoid();
    }

    /**
     * A priority or type change re-selects the policy (ADR 0024). When another policy (or none) now applies,
     * active clocks move to its targets keeping the business time they used, clocks it has no target for are
     * cancelled, and targets the ticket still owes but had no clock for start as if from the ticket's creation.
     */
    @Override
    public Uni<Void> updated(Ticket t, List<String> changedFields) {
        if (!changedFields.contains("priority") && !changedFields.contains("type")) {
            return Uni.createFrom().voidItem();
        }
        return policyFor(t).chain(policy -> clocks.applied(t.tenantId, t.id).chain(applied -> {
            UUID before = applied == null ? null : applied.policyId();
            UUID after = policy == null ? null : policy.id;
            if (Objects.equals(before, after)) {
                return Uni.createFrom().voidItem();
            }
            Instant at = TenantRecord.now();
            return clocks.apply(t.tenantId, t.id, policy, at).chain(() -> reselect(t, policy, at));
        }));
    }

    private Uni<Void> reselect(Ticket t, SlaPolicy policy, Instant at) {
        boolean done = t.status() == TicketStatus.SOLVED || t.status() == TicketStatus.CLOSED;
        return clocks.of(t.tenantId, t.id).chain(list -> answered(t, find(list, FIRST_RESPONSE)).chain(answered -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (String metric : SlaPolicy.METRICS) {
                SlaClock c = find(list, metric);
                boolean targeted = policy != null && policy.target(metric) != null;
                if (c != null && c.active()) {
                    chain = chain.chain(() -> targeted ? clocks.retarget(c, policy, at) : clocks.stop(c, at, false,
                            t.teamId));
                    continue;
                }
                boolean owed = !done && (RESOLUTION.equals(metric) || FIRST_RESPONSE.equals(metric) && !answered);
                if (targeted && owed && (c == null || "cancelled".equals(c.outcome))) {
                    Instant since = c == null ? t.createdAt : c.stoppedAt;
                    chain = chain.chain(() -> clocks.startSince(c, t.tenantId, t.id, metric, policy, since, at,
                            waiting(t.status())).replaceWithVoid());
                }
            }
            return chain;
        }));
    }

    /** Whether an agent has replied to the ticket (its first-response clock met or breached, or a reply exists). */
    private static Uni<Boolean> answered(Ticket t, SlaClock first) {
        if (first != null && first.outcome != null && !"cancelled".equals(first.outcome)) {
            return Uni.createFrom().item(true);
        }
        return TicketMessage.count("tenantId = ?1 and ticketId = ?2 and direction = ?3", t.tenantId, t.id,
                MessageDirection.OUTBOUND.apiName()).map(n -> n > 0);
    }

    static SlaClock find(List<SlaClock> list, String metric) {
        return list.stream().filter(c -> c.metric.equals(metric)).findFirst().orElse(null);
    }
}
