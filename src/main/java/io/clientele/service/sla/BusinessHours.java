package io.clientele.service.sla;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Business time of one calendar: weekly opening intervals in local wall-clock time, holidays, and the
 * IANA zone that turns them into instants. Pure and immutable; every SLA figure is computed here.
 *
 * <p>Intervals are wall-clock: "09:00-17:00" on the day clocks go forward holds seven real hours when
 * the skipped hour lies inside it, and nine when the repeated hour does.
 */
public final class BusinessHours {

    /** Searching further than this for open time means the calendar is (practically) never open. */
    static final int MAX_DAYS = 3 * 366;

    /** An opening interval of a local day, in minutes since midnight: {@code 0 <= start < end <= 1440}. */
    public record Interval(int startMinute, int endMinute) {
        public Interval {
            if (startMinute < 0 || endMinute > 1440 || startMinute >= endMinute) {
                throw new IllegalArgumentException("an interval needs 0 <= start < end <= 24:00");
            }
        }

        public static Interval parse(String start, String end) {
            return new Interval(minutes(start), minutes(end));
        }

        static int minutes(String hhmm) {
            if ("24:00".equals(hhmm)) {
                return 1440;
            }
            LocalTime time = LocalTime.parse(hhmm);
            return time.getHour() * 60 + time.getMinute();
        }

        public static String text(int minute) {
            return String.format("%02d:%02d", minute / 60, minute % 60);
        }
    }

    /** A stretch of open time as instants, {@code [from, to)}. */
    record Window(Instant from, Instant to) {
    }

    private final ZoneId zone;
    private final Map<DayOfWeek, List<Interval>> week;
    private final Set<LocalDate> holidays;

    public BusinessHours(ZoneId zone, Map<DayOfWeek, List<Interval>> week, Set<LocalDate> holidays) {
        this.zone = zone;
        this.week = new EnumMap<>(DayOfWeek.class);
        week.forEach((day, intervals) -> {
            List<Interval> sorted = new ArrayList<>(intervals);
            sorted.sort(Comparator.comparingInt(Interval::startMinute));
            for (int i = 1; i < sorted.size(); i++) {
                if (sorted.get(i).startMinute() < sorted.get(i - 1).endMinute()) {
                    throw new IllegalArgumentException("intervals of " + day + " overlap");
                }
            }
            this.week.put(day, List.copyOf(sorted));
        });
        if (this.week.values().stream().allMatch(List::isEmpty)) {
            throw new IllegalArgumentException("a calendar needs at least one opening interval");
        }
        this.holidays = Set.copyOf(holidays);
    }

    /** Round the clock, every day: used by SLA policies that name no calendar. */
    public static BusinessHours always(ZoneId zone) {
        Map<DayOfWeek, List<Interval>> week = new EnumMap<>(DayOfWeek.class);
        for (DayOfWeek day : DayOfWeek.values()) {
            week.put(day, List.of(new Interval(0, 1440)));
        }
        return new BusinessHours(zone, week, Set.of());
    }

    public ZoneId zone() {
        return zone;
    }

    /** The open windows of one local date (none on a holiday), as instants. */
    List<Window> windows(LocalDate date) {
        if (holidays.contains(date)) {
            return List.of();
        }
        List<Window> windows = new ArrayList<>();
        for (Interval interval : week.getOrDefault(date.getDayOfWeek(), List.of())) {
            Instant from = at(date, interval.startMinute());
            Instant to = at(date, interval.endMinute());
            if (to.isAfter(from)) {
                windows.add(new Window(from, to));
            }
        }
        return windows;
    }

    /** A wall-clock minute of a local date as an instant; a time in a DST gap moves forward, as the clocks do. */
    private Instant at(LocalDate date, int minute) {
        if (minute == 1440) {
            return date.plusDays(1).atStartOfDay(zone).toInstant();
        }
        return ZonedDateTime.of(date, LocalTime.of(minute / 60, minute % 60), zone).toInstant();
    }

    /** The instant at which {@code amount} of business time has passed after {@code start}. */
    public Instant add(Instant start, Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("negative business duration");
        }
        if (amount.isZero()) {
            return start;
        }
        Duration remaining = amount;
        // Start a day early: a window of the previous local date may still be open at start.
        LocalDate date = start.atZone(zone).toLocalDate().minusDays(1);
        for (int i = 0; i < MAX_DAYS; i++, date = date.plusDays(1)) {
            for (Window w : windows(date)) {
                if (!w.to().isAfter(start)) {
                    continue;
                }
                Instant from = w.from().isAfter(start) ? w.from() : start;
                Duration available = Duration.between(from, w.to());
                if (remaining.compareTo(available) <= 0) {
                    return from.plus(remaining);
                }
                remaining = remaining.minus(available);
            }
        }
        throw new IllegalStateException("the calendar has no open time within " + MAX_DAYS + " days");
    }

    /** Business time between two instants ({@code ZERO} when {@code to} is not after {@code from}). */
    public Duration between(Instant from, Instant to) {
        if (!to.isAfter(from)) {
            return Duration.ZERO;
        }
        Duration total = Duration.ZERO;
        LocalDate last = to.atZone(zone).toLocalDate().plusDays(1);
        for (LocalDate date = from.atZone(zone).toLocalDate().minusDays(1); !date.isAfter(last);
                date = date.plusDays(1)) {
            for (Window w : windows(date)) {
                Instant a = w.from().isAfter(from) ? w.from() : from;
                Instant b = w.to().isBefore(to) ? w.to() : to;
                if (b.isAfter(a)) {
                    total = total.plus(Duration.between(a, b));
                }
            }
        }
        return total;
    }

    /** Whether the calendar is open at an instant. */
    public boolean isOpen(Instant instant) {
        LocalDate date = instant.atZone(zone).toLocalDate();
        for (LocalDate d = date.minusDays(1); !d.isAfter(date); d = d.plusDays(1)) {
            for (Window w : windows(d)) {
                if (!w.from().isAfter(instant) && w.to().isAfter(instant)) {
                    return true;
                }
            }
        }
        return false;
    }
}
