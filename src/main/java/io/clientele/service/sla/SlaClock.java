package io.clientele.service.sla;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** One SLA target of one ticket, as stored: the state of its {@link SlaTimer} and what was announced. */
@Entity
@Table(name = "ticket_sla_clock")
public class SlaClock extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "tenant_id", nullable = false, updatable = false)
    public String tenantId;

    @Column(name = "ticket_id", nullable = false, updatable = false)
    public UUID ticketId;

    @Column(nullable = false, updatable = false)
    public String metric;

    @Column(name = "policy_id", nullable = false)
    public UUID policyId;

    @Column(name = "policy_name", nullable = false)
    public String policyName;

    @Column(name = "calendar_id")
    public UUID calendarId;

    @Column(name = "target_seconds", nullable = false)
    public long targetSeconds;

    @Column(name = "warn_percent", nullable = false)
    public int warnPercent;

    @Column(name = "used_seconds", nullable = false)
    public long usedSeconds;

    @Column(name = "running_since")
    public Instant runningSince;

    @Column(name = "started_at", nullable = false)
    public Instant startedAt;

    @Column(name = "stopped_at")
    public Instant stoppedAt;

    /** met, breached or cancelled once stopped. */
    public String outcome;

    @Column(name = "warn_at")
    public Instant warnAt;

    @Column(name = "due_at")
    public Instant dueAt;

    @Column(name = "warned_at")
    public Instant warnedAt;

    @Column(name = "breached_at")
    public Instant breachedAt;

    @Column(name = "next_event_at")
    public Instant nextEventAt;

    @Column(nullable = false)
    public int cycle = 1;

    @Version
    @Column(nullable = false)
    public long version;

    public SlaTimer timer() {
        return new SlaTimer(Duration.ofSeconds(targetSeconds), Duration.ofSeconds(usedSeconds), runningSince,
                warnPercent);
    }

    /** Stores a timer's new state and works out the next warning or breach to announce. */
    public void set(SlaTimer timer, BusinessHours hours) {
        usedSeconds = timer.used().getSeconds();
        runningSince = timer.runningSince();
        dueAt = timer.dueAt(hours);
        warnAt = warnPercent == 0 ? null : timer.warnAt(hours);
        schedule();
    }

    /** The earliest announcement still owed; none while paused or stopped. */
    public void schedule() {
        Instant next = null;
        if (stoppedAt == null && runningSince != null) {
            if (warnedAt == null && breachedAt == null && warnAt != null) {
                next = warnAt;
            } else if (breachedAt == null) {
                next = dueAt;
            }
        }
        nextEventAt = next;
    }

    public boolean active() {
        return stoppedAt == null;
    }

    public String state() {
        if (stoppedAt != null) {
            return outcome;
        }
        if (breachedAt != null) {
            return "breached";
        }
        return runningSince == null ? "paused" : "running";
    }

    public Map<String, Object> view(BusinessHours hours, Instant now) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("metric", metric);
        view.put("state", state());
        // The policy this clock runs (or last ran) under; after a re-selection a stopped clock keeps the old one.
        view.put("policy", Map.of("id", policyId.toString(), "name", policyName));
        view.put("target", Duration.ofSeconds(targetSeconds).toString());
        Duration elapsed = timer().elapsed(hours, stoppedAt != null ? stoppedAt : now);
        view.put("elapsed", Duration.ofSeconds(elapsed.getSeconds()).toString());
        Duration left = Duration.ofSeconds(targetSeconds).minus(elapsed);
        view.put("remaining", Duration.ofSeconds(Math.max(0, left.getSeconds())).toString());
        view.put("startedAt", startedAt.toString());
        if (dueAt != null && stoppedAt == null) {
            view.put("dueAt", dueAt.toString());
        }
        if (warnAt != null && stoppedAt == null && warnedAt == null) {
            view.put("warnAt", warnAt.toString());
        }
        if (warnedAt != null) {
            view.put("warnedAt", warnedAt.toString());
        }
        if (breachedAt != null) {
            view.put("breachedAt", breachedAt.toString());
        }
        if (stoppedAt != null) {
            view.put("stoppedAt", stoppedAt.toString());
        }
        view.put("cycle", cycle);
        return view;
    }
}
