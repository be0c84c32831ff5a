package io.clientele.service.sla;

import java.time.Duration;
import java.time.Instant;
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
        c.startedAt = at;
        c.stoppedAt = null;
        c.outcome = null;
        c.warnedAt = null;
        c.breachedAt = null;
        SlaTimer timer = SlaTimer.start(target, at, c.warnPercent);
        return hours(tenantId, c.calendarId).chain(hours -> {
            c.set(paused ? timer.pause(hours, at) : timer, hours);
            return existing != null ? Uni.createFrom().item(c) : c.<SlaClock>persist();
        });
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
