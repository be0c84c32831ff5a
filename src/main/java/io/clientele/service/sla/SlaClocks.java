package io.clientele.service.sla;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Storage of SLA clocks and results, and the calendar each clock counts in; joins the caller's transaction. */
@ApplicationScoped
public class SlaClocks {

    private static final BusinessHours ROUND_THE_CLOCK = BusinessHours.always(ZoneOffset.UTC);

    private final CalendarRepository calendars;

    SlaClocks(CalendarRepository calendars) {
        this.calendars = calendars;
    }

    public Uni<List<SlaClock>> of(String tenantId, UUID ticketId) {
        return SlaClock.<SlaClock>list("tenantId = ?1 and ticketId = ?2 order by metric", tenantId, ticketId);
    }

    /** The business hours of a clock's calendar; round the clock in UTC without one (or once it is deleted). */
    public Uni<BusinessHours> hours(String tenantId, UUID calendarId) {
        if (calendarId == null) {
            return Uni.createFrom().item(ROUND_THE_CLOCK);
        }
        return calendars.find(tenantId, calendarId).map(c -> c == null ? ROUND_THE_CLOCK : c.hours());
    }

    /** Starts (or, for a new next-response cycle, restarts) a clock of {@code metric} under {@code policy}. */
    public Uni<SlaClock> start(SlaClock existing, String tenantId, UUID ticketId, String metric, SlaPolicy policy,
            Instant at, boolean paused) {
        return open(existing, tenantId, ticketId, metric, policy, at, Duration.ZERO, at, paused);
    }

    /**
     * Starts a clock that a policy re-selection adds to a ticket, measured from {@code since} (the ticket's
     * creation, or when the clock was cancelled by an earlier re-selection, on top of what it had used) up to
     * {@code now}, where it keeps running or, while the ticket waits, pauses. Pauses it never saw count.
     */
    public Uni<SlaClock> startSince(SlaClock existing, String tenantId, UUID ticketId, String metric,
            SlaPolicy policy, Instant since, Instant now, boolean paused) {
        Duration used = existing == null ? Duration.ZERO : Duration.ofSeconds(existing.usedSeconds);
        Instant firstStarted = existing == null ? since : existing.startedAt;
        return open(existing, tenantId, ticketId, metric, policy, since, used, now, paused)
                .invoke(c -> c.startedAt = firstStarted);
    }

    private Uni<SlaClock> open(SlaClock existing, String tenantId, UUID ticketId, String metric, SlaPolicy policy,
            Instant runningFrom, Duration used, Instant pauseAt, boolean paused) {
        Duration target = policy.target(metric);
        SlaClock c = existing != null ? existing : new SlaClock();
        if (existing == null) {
            c.id = UUID.randomUUID();
            c.tenantId = tenantId;
            c.ticketId = ticketId;
            c.metric = metric;
        } else {
            c.cycle++;
        }
        c.policyId = policy.id;
        c.policyName = policy.name;
        c.calendarId = policy.calendarId;
        c.targetSeconds = target.getSeconds();
        c.warnPercent = policy.warnBeforePercent;
        c.startedAt = runningFrom;
        c.stoppedAt = null;
        c.outcome = null;
        c.warnedAt = null;
        c.breachedAt = null;
        SlaTimer timer = new SlaTimer(target, used, runningFrom, c.warnPercent);
        return hours(tenantId, c.calendarId).chain(hours -> {
            c.set(paused ? timer.pause(hours, pauseAt) : timer, hours);
            return existing != null ? Uni.createFrom().item(c) : c.<SlaClock>persist();
        });
    }

    /**
     * Moves an active clock to {@code policy}'s target, warning share and calendar (a policy re-selection). The
     * business time used so far is kept, so the target counts from the clock's start; due and warning times are
     * worked out again. What was already announced stays announced: a warning or breach is never sent twice.
     */
    public Uni<Void> retarget(SlaClock c, SlaPolicy policy, Instant at) {
        Duration target = policy.target(c.metric);
        return hours(c.tenantId, c.calendarId).chain(counted -> hours(c.tenantId, policy.calendarId).invoke(next -> {
            SlaTimer timer = c.timer().retarget(counted, at, target, policy.warnBeforePercent);
            c.policyId = policy.id;
            c.policyName = policy.name;
            c.calendarId = policy.calendarId;
            c.targetSeconds = target.getSeconds();
            c.warnPercent = policy.warnBeforePercent;
            c.set(timer, next);
        })).replaceWithVoid();
    }

    /**
     * Restarts a stopped resolution clock when its solved ticket reopens: a new cycle (a new decision for the
     * report) that keeps the business time used before the solve, so the time spent solved is not counted. A
     * warning or breach of the earlier cycle carries over and is not announced again.
     */
    public Uni<Void> reopen(SlaClock c, Instant at, boolean paused) {
        if (c.active()) {
            return Uni.createFrom().voidItem();
        }
        return hours(c.tenantId, c.calendarId).invoke(hours -> {
            c.cycle++;
            c.stoppedAt = null;
            c.outcome = null;
            SlaTimer timer = new SlaTimer(Duration.ofSeconds(c.targetSeconds), Duration.ofSeconds(c.usedSeconds),
                    paused ? null : at, c.warnPercent);
            c.set(timer, hours);
        }).replaceWithVoid();
    }

    /** The policy that applies to a ticket and since when, as last selected; null when none was ever. */
    public record Applied(UUID policyId, String policyName, Instant since) {
    }

    public Uni<Applied> applied(String tenantId, UUID ticketId) {
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                SELECT policy_id, policy_name, since FROM ticket_sla_policy WHERE tenant_id = :tenant AND ticket_id = :ticket
                """, Object[].class).setParameter("tenant", tenantId).setParameter("ticket", ticketId).getResultList())
                .map(rows -> rows.isEmpty() ? null : new Applied((UUID) rows.get(0)[0], (String) rows.get(0)[1],
                        instant(rows.get(0)[2])));
    }

    /** Records that {@code policy} (null: none) applies to the ticket from {@code since} on. */
    public Uni<Void> apply(String tenantId, UUID ticketId, SlaPolicy policy, Instant since) {
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                INSERT INTO ticket_sla_policy (ticket_id, tenant_id, policy_id, policy_name, since)
                VALUES (:ticket, :tenant, CAST(:policy AS uuid), CAST(:name AS text), :since)
                ON CONFLICT (ticket_id) DO UPDATE
                   SET policy_id = EXCLUDED.policy_id, policy_name = EXCLUDED.policy_name, since = EXCLUDED.since
                """).setParameter("ticket", ticketId).setParameter("tenant", tenantId)
                .setParameter("policy", policy == null ? null : policy.id)
                .setParameter("name", policy == null ? null : policy.name)
                .setParameter("since", since.atOffset(ZoneOffset.UTC)).executeUpdate()).replaceWithVoid();
    }

    private static Instant instant(Object value) {
        return value instanceof OffsetDateTime odt ? odt.toInstant() : (Instant) value;
    }

    public Uni<Void> pause(SlaClock c, Instant at) {
        if (!c.active() || c.runningSince == null) {
            return Uni.createFrom().voidItem();
        }
        return hours(c.tenantId, c.calendarId).invoke(hours -> c.set(c.timer().pause(hours, at), hours))
                .replaceWithVoid();
    }

    public Uni<Void> resume(SlaClock c, Instant at) {
        if (!c.active() || c.runningSince != null) {
            return Uni.createFrom().voidItem();
        }
        return hours(c.tenantId, c.calendarId).invoke(hours -> c.set(c.timer().resume(at), hours)).replaceWithVoid();
    }

    /**
     * Stops a clock: fulfilled ({@code fulfilled}: met unless it was breached, and a met result is recorded) or
     * cancelled (the ticket was solved or closed without it).
     */
    public Uni<Void> stop(SlaClock c, Instant at, boolean fulfilled, UUID teamId) {
        if (!c.active()) {
            return Uni.createFrom().voidItem();
        }
        return hours(c.tenantId, c.calendarId).chain(hours -> {
            c.set(c.timer().pause(hours, at), hours);
            c.stoppedAt = at;
            c.outcome = c.breachedAt != null ? "breached" : fulfilled ? "met" : "cancelled";
            c.schedule();
            return "met".equals(c.outcome) ? result(c, at, true, teamId) : Uni.createFrom().voidItem();
        });
    }

    /** Records a decided target once per cycle (a breach first, so a later fulfilment adds nothing). */
    public Uni<Void> result(SlaClock c, Instant at, boolean met, UUID teamId) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO ticket_sla_result (id, tenant_id, ticket_id, metric, cycle, policy_id, policy_name,
                                               team_id, decided_at, met, target_seconds)
                VALUES (:id, :tenant, :ticket, :metric, :cycle, :policy, :name, :team, :at, :met, :target)
                ON CONFLICT (ticket_id, metric, cycle) DO NOTHING
                """).setParameter("id", UUID.randomUUID()).setParameter("tenant", c.tenantId)
                .setParameter("ticket", c.ticketId).setParameter("metric", c.metric).setParameter("cycle", c.cycle)
                .setParameter("policy", c.policyId).setParameter("name", c.policyName).setParameter("team", teamId)
                .setParameter("at", at).setParameter("met", met).setParameter("target", c.targetSeconds)
                .executeUpdate()).replaceWithVoid();
    }
}
