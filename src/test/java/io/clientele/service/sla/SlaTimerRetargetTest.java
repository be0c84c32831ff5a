package io.clientele.service.sla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.clientele.service.sla.BusinessHours.Interval;

/** A policy re-selection keeps the business time used (counted in the old calendar) and counts on in the new one. */
class SlaTimerRetargetTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");

    private static BusinessHours office(ZoneId zone, LocalDate... holidays) {
        Map<DayOfWeek, List<Interval>> week = new EnumMap<>(DayOfWeek.class);
        for (DayOfWeek d : List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY,
                DayOfWeek.FRIDAY)) {
            week.put(d, List.of(Interval.parse("09:00", "12:00"), Interval.parse("13:00", "17:00")));
        }
        return new BusinessHours(zone, week, Set.of(holidays));
    }

    private static Instant local(ZoneId zone, String dateTime) {
        return LocalDateTime.parse(dateTime).atZone(zone).toInstant();
    }

    @Test
    void elapsedTimeIsKeptAndTheNewTargetCountsInTheNewCalendarAcrossAHoliday() {
        BusinessHours berlin = office(BERLIN);
        // Tuesday 2026-01-13 is a holiday in the Tokyo office.
        BusinessHours tokyo = office(TOKYO, LocalDate.parse("2026-01-13"));
        // Started Friday 16:00 in Berlin; re-selected Monday 10:00 Berlin: 1 h Friday + 1 h Monday used, not 66 h.
        SlaTimer timer = SlaTimer.start(Duration.ofHours(24), local(BERLIN, "2026-01-09T16:00"), 20);
        Instant change = local(BERLIN, "2026-01-12T10:00");
        SlaTimer moved = timer.retarget(berlin, change, Duration.ofHours(8), 25);
        assertEquals(Duration.ofHours(2), moved.used());
        assertEquals(Duration.ofHours(8), moved.target());
        assertEquals(change, moved.runningSince());
        // Monday 10:00 Berlin is 18:00 in Tokyo (closed); Tuesday is a holiday; 6 h left from Wednesday 09:00.
        assertEquals(local(TOKYO, "2026-01-14T16:00"), moved.dueAt(tokyo));
        // The warning comes with 25 % (2 h) left: 4 h after Wednesday's opening, across lunch.
        assertEquals(local(TOKYO, "2026-01-14T14:00"), moved.warnAt(tokyo));
        assertEquals(Duration.ofHours(2), moved.elapsed(tokyo, local(TOKYO, "2026-01-13T15:00")),
                "nothing counts on the holiday");
    }

    @Test
    void aPausedClockStaysPausedWithItsTimeAndAShorterTargetIsDueAtOnce() {
        BusinessHours berlin = office(BERLIN);
        BusinessHours tokyo = office(TOKYO, LocalDate.parse("2026-01-13"));
        SlaTimer paused = SlaTimer.start(Duration.ofHours(24), local(BERLIN, "2026-01-12T09:00"), 20)
                .pause(berlin, local(BERLIN, "2026-01-12T12:00"));
        SlaTimer moved = paused.retarget(berlin, local(BERLIN, "2026-01-14T10:00"), Duration.ofHours(2), 20);
        assertEquals(Duration.ofHours(3), moved.used());
        assertNull(moved.runningSince());
        assertNull(moved.dueAt(tokyo));
        // Resumed: already past the new, shorter target, so due (and warned) the moment it runs again.
        Instant resumed = local(TOKYO, "2026-01-15T10:00");
        assertEquals(resumed, moved.resume(resumed).dueAt(tokyo));
        assertEquals(resumed, moved.resume(resumed).warnAt(tokyo));
    }
}
