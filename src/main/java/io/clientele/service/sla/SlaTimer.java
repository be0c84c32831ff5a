package io.clientele.service.sla;

import java.time.Duration;
import java.time.Instant;

/**
 * One SLA target's clock: business time used so far, and whether it is running (since when) or
 * paused. Pure: a pause folds the running stretch into {@code used}, so no list of pauses is kept.
 *
 * @param target business time allowed
 * @param used business time used before {@code runningSince} (or in total while paused)
 * @param runningSince when the clock last started, {@code null} while paused or stopped
 * @param warnPercent the warning comes when this share of the target is left
 */
public record SlaTimer(Duration target, Duration used, Instant runningSince, int warnPercent) {

    public static SlaTimer start(Duration target, Instant at, int warnPercent) {
        return new SlaTimer(target, Duration.ZERO, at, warnPercent);
    }

    public boolean running() {
        return runningSince != null;
    }

    /** Business time used up to {@code now}. */
    public Duration elapsed(BusinessHours hours, Instant now) {
        return running() ? used.plus(hours.between(runningSince, now)) : used;
    }

    /** Stops the clock at {@code now}, keeping what was used. */
    public SlaTimer pause(BusinessHours hours, Instant now) {
        return running() ? new SlaTimer(target, elapsed(hours, now), null, warnPercent) : this;
    }

    /** Starts a paused clock again at {@code now}. */
    public SlaTimer resume(Instant now) {
        return running() ? this : new SlaTimer(target, used, now, warnPercent);
    }

    /**
     * The same clock under another target (a policy re-selection): the business time used so far, counted in
     * the calendar that applied while it ran ({@code counted}), is kept; from {@code now} on it runs (or stays
     * paused) under the new target, in whatever calendar its caller computes due times with.
     */
    public SlaTimer retarget(BusinessHours counted, Instant now, Duration newTarget, int newWarnPercent) {
        Duration usedSoFar = elapsed(counted, now);
        return new SlaTimer(newTarget, usedSoFar, running() ? now : null, newWarnPercent);
    }

    /** When the target is breached if the clock keeps running; {@code null} while paused. */
    public Instant dueAt(BusinessHours hours) {
        return running() ? at(hours, target) : null;
    }

    /** When the warning is due if the clock keeps running; {@code null} while paused. */
    public Instant warnAt(BusinessHours hours) {
        return running() ? at(hours, target.multipliedBy(100 - warnPercent).dividedBy(100)) : null;
    }

    private Instant at(BusinessHours hours, Duration mark) {
        Duration left = mark.minus(used);
        return left.isNegative() || left.isZero() ? runningSince : hours.add(runningSince, left);
    }
}
