package io.clientele.service.sla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.clientele.service.sla.BusinessHours.Interval;

/** The business-time engine: calendars, holidays, zones, DST transitions and paused clocks. */
class BusinessHoursTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    private static Map<DayOfWeek, List<Interval>> weekdays(Interval... intervals) {
        Map<DayOfWeek, List<Interval>> week = new EnumMap<>(DayOfWeek.class);
        for (DayOfWeek d : List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY,
                DayOfWeek.FRIDAY)) {
            week.put(d, List.of(intervals));
        }
        return week;
    }

    private static BusinessHours office(ZoneId zone, LocalDate... holidays) {
        return new BusinessHours(zone, weekdays(Interval.parse("09:00", "12:00"), Interval.parse("13:00", "17:00")),
                Set.of(holidays));
    }

    private static Instant local(ZoneId zone, String dateTime) {
        return LocalDateTime.parse(dateTime).atZone(zone).toInstant();
    }

    @Test
    void addingSkipsLunchNightsAndTheWeekend() {
        BusinessHours hours = office(BERLIN);
        // Friday 2026-01-09 16:00: one hour left that day, then Monday 09:00-10:00.
        assertEquals(local(BERLIN, "2026-01-12T10:00"), hours.add(local(BERLIN, "2026-01-09T16:00"), Duration.ofHours(2)));
        // 11:30 + 1h crosses lunch.
        assertEquals(local(BERLIN, "2026-01-12T13:30"), hours.add(local(BERLIN, "2026-01-12T11:30"), Duration.ofHours(1)));
        // Starting at night counts from the next opening.
        assertEquals(local(BERLIN, "2026-01-13T09:15"), hours.add(local(BERLIN, "2026-01-12T22:00"), Duration.ofMinutes(15)));
        // Exactly at closing: the due time is the closing instant itself, not the next morning.
        assertEquals(local(BERLIN, "2026-01-12T17:00"), hours.add(local(BERLIN, "2026-01-12T16:00"), Duration.ofHours(1)));
        assertEquals(local(BERLIN, "2026-01-12T16:00"), hours.add(local(BERLIN, "2026-01-12T16:00"), Duration.ZERO));
    }

    @Test
    void holidaysAreSkippedAcrossTheYearEnd() {
        BusinessHours hours = office(SHANGHAI, LocalDate.of(2026, 12, 31), LocalDate.of(2027, 1, 1));
        // Wednesday 2026-12-30 16:00 + 8h: 1h on the 30th, the 31st and 1st are holidays, weekend, Monday 4th.
        assertEquals(local(SHANGHAI, "2027-01-04T17:00"),
                hours.add(local(SHANGHAI, "2026-12-30T16:00"), Duration.ofHours(8)));
        assertEquals(Duration.ofHours(8),
                hours.between(local(SHANGHAI, "2026-12-30T16:00"), local(SHANGHAI, "2027-01-04T17:00")));
        assertEquals(Duration.ZERO,
                hours.between(local(SHANGHAI, "2026-12-31T00:00"), local(SHANGHAI, "2027-01-04T09:00")));
    }

    @Test
    void theSameCalendarInAnotherZoneGivesOtherInstants() {
        Instant start = Instant.parse("2026-01-12T14:00:00Z"); // 15:00 Berlin, 09:00 New York, 22:00 Shanghai
        assertEquals(Instant.parse("2026-01-12T16:00:00Z"), office(BERLIN).add(start, Duration.ofHours(2)));
        assertEquals(Instant.parse("2026-01-12T16:00:00Z"), office(NEW_YORK).add(start, Duration.ofHours(2)));
        assertEquals(local(SHANGHAI, "2026-01-13T11:00"), office(SHANGHAI).add(start, Duration.ofHours(2)));
    }

    @Test
    void springForwardShortensAnIntervalHoldingTheSkippedHour() {
        Map<DayOfWeek, List<Interval>> week = new EnumMap<>(DayOfWeek.class);
        week.put(DayOfWeek.SUNDAY, List.of(Interval.parse("01:00", "04:00")));
        BusinessHours hours = new BusinessHours(BERLIN, week, Set.of());
        // 2026-03-29: 02:00 CET jumps to 03:00 CEST, so 01:00-04:00 holds two real hours.
        assertEquals(Duration.ofHours(2), hours.between(local(BERLIN, "2026-03-29T00:00"), local(BERLIN, "2026-03-30T00:00")));
        assertEquals(Instant.parse("2026-03-29T02:00:00Z"), hours.add(local(BERLIN, "2026-03-29T00:00"), Duration.ofHours(2)));
        // Half an hour more spills into the next Sunday.
        assertEquals(local(BERLIN, "2026-04-05T01:30"), hours.add(local(BERLIN, "2026-03-29T00:00"), Duration.ofMinutes(150)));
        // A normal Sunday has three.
        assertEquals(Duration.ofHours(3), hours.between(local(BERLIN, "2026-03-22T00:00"), local(BERLIN, "2026-03-23T00:00")));
    }

    @Test
    void fallBackLengthensAnIntervalHoldingTheRepeatedHour() {
        Map<DayOfWeek, List<Interval>> week = new EnumMap<>(DayOfWeek.class);
        week.put(DayOfWeek.SUNDAY, List.of(Interval.parse("01:00", "04:00")));
        BusinessHours hours = new BusinessHours(BERLIN, week, Set.of());
        // 2026-10-25: 03:00 CEST falls back to 02:00 CET, so 01:00-04:00 holds four real hours.
        assertEquals(Duration.ofHours(4), hours.between(local(BERLIN, "2026-10-25T00:00"), local(BERLIN, "2026-10-26T00:00")));
        assertEquals(Instant.parse("2026-10-25T02:30:00Z"), hours.add(local(BERLIN, "2026-10-25T00:00"), Duration.ofMinutes(210)));
    }

    @Test
    void aRoundTheClockCalendarLosesAnHourOnTheShortNightInNewYork() {
        BusinessHours always = BusinessHours.always(NEW_YORK);
        // 2026-03-08 has 23 hours in New York; 2026-11-01 has 25.
        assertEquals(Duration.ofHours(23), always.between(local(NEW_YORK, "2026-03-08T00:00"), local(NEW_YORK, "2026-03-09T00:00")));
        assertEquals(Duration.ofHours(25), always.between(local(NEW_YORK, "2026-11-01T00:00"), local(NEW_YORK, "2026-11-02T00:00")));
        // Business time equals real time round the clock, across the transition.
        Instant start = local(NEW_YORK, "2026-03-07T20:00");
        assertEquals(start.plus(Duration.ofHours(30)), always.add(start, Duration.ofHours(30)));
    }

    @Test
    void officeHoursAcrossDstKeepWallClockOpening() {
        BusinessHours hours = office(NEW_YORK);
        // Friday 2026-03-06 16:00 EST + 2h: 1h Friday, Monday 2026-03-09 09:00-10:00 EDT (UTC-4).
        assertEquals(Instant.parse("2026-03-09T14:00:00Z"), hours.add(local(NEW_YORK, "2026-03-06T16:00"), Duration.ofHours(2)));
        assertEquals(Duration.ofHours(2), hours.between(local(NEW_YORK, "2026-03-06T16:00"), Instant.parse("2026-03-09T14:00:00Z")));
    }

    @Test
    void betweenIsTheInverseOfAdd() {
        BusinessHours hours = office(BERLIN, LocalDate.of(2026, 3, 30), LocalDate.of(2026, 10, 26));
        Random random = new Random(42);
        Instant base = local(BERLIN, "2026-03-01T00:00");
        for (int i = 0; i < 2000; i++) {
            Instant start = base.plusSeconds(random.nextInt(300 * 24 * 3600));
            Duration amount = Duration.ofMinutes(random.nextInt(60 * 60));
            Instant end = hours.add(start, amount);
            assertEquals(amount, hours.between(start, end), () -> "from " + start + " adding " + amount);
            assertTrue(amount.isZero() || hours.isOpen(end.minusSeconds(1)), () -> "ends in open time: " + end);
        }
    }

    @Test
    void openTimeIsKnown() {
        BusinessHours hours = office(BERLIN, LocalDate.of(2026, 1, 13));
        assertTrue(hours.isOpen(local(BERLIN, "2026-01-12T09:00")));
        assertFalse(hours.isOpen(local(BERLIN, "2026-01-12T12:30")));
        assertFalse(hours.isOpen(local(BERLIN, "2026-01-12T17:00")));
        assertFalse(hours.isOpen(local(BERLIN, "2026-01-13T10:00")));
        assertFalse(hours.isOpen(local(BERLIN, "2026-01-10T10:00")));
    }

    @Test
    void brokenCalendarsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BusinessHours(BERLIN, Map.of(), Set.of()));
        assertThrows(IllegalArgumentException.class, () -> new BusinessHours(BERLIN,
                Map.of(DayOfWeek.MONDAY, List.of(Interval.parse("09:00", "12:00"), Interval.parse("11:00", "13:00"))),
                Set.of()));
        assertThrows(IllegalArgumentException.class, () -> Interval.parse("12:00", "09:00"));
        assertEquals(1440, Interval.parse("00:00", "24:00").endMinute());
    }

    @Test
    void aPausedTimerStopsUsingTimeAndMovesItsDueInstant() {
        BusinessHours hours = office(BERLIN);
        SlaTimer timer = SlaTimer.start(Duration.ofHours(4), local(BERLIN, "2026-01-12T09:00"), 25);
        assertEquals(local(BERLIN, "2026-01-12T14:00"), timer.dueAt(hours));
        assertEquals(local(BERLIN, "2026-01-12T12:00"), timer.warnAt(hours));
        // Waiting on the customer from 10:00 to the next day 09:00.
        SlaTimer paused = timer.pause(hours, local(BERLIN, "2026-01-12T10:00"));
        assertFalse(paused.running());
        assertNull(paused.dueAt(hours));
        assertEquals(Duration.ofHours(1), paused.elapsed(hours, local(BERLIN, "2026-01-12T16:00")));
        SlaTimer resumed = paused.resume(local(BERLIN, "2026-01-13T09:00"));
        assertEquals(local(BERLIN, "2026-01-13T12:00"), resumed.dueAt(hours));
        assertEquals(Duration.ofHours(2), resumed.elapsed(hours, local(BERLIN, "2026-01-13T10:00")));
        // Pausing twice is pausing once.
        assertEquals(paused, paused.pause(hours, local(BERLIN, "2026-01-12T16:00")));
    }

    @Test
    void aTimerResumedAfterItsTargetIsDueAtOnce() {
        BusinessHours hours = BusinessHours.always(BERLIN);
        SlaTimer timer = new SlaTimer(Duration.ofHours(1), Duration.ofHours(2), null, 20);
        Instant now = Instant.parse("2026-06-01T10:00:00Z");
        assertEquals(now, timer.resume(now).dueAt(hours));
    }
}
