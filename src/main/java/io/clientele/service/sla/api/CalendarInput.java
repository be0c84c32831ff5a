package io.clientele.service.sla.api;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.clientele.platform.errors.ValidationErrors;
import io.clientele.service.sla.BusinessCalendar;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of a calendar create, and the document a calendar merge patch applies to. */
@RegisterForReflection
public record CalendarInput(String name, String timeZone, Map<String, List<IntervalInput>> week,
        List<HolidayInput> holidays) {

    private static final Pattern TIME = Pattern.compile("([01]\\d|2[0-3]):[0-5]\\d|24:00");
    static final int MAX_HOLIDAYS = 1000;

    @RegisterForReflection
    public record IntervalInput(String start, String end) {
    }

    @RegisterForReflection
    public record HolidayInput(String date, String name) {
    }

    static CalendarInput of(BusinessCalendar.Draft d) {
        Map<String, List<IntervalInput>> week = new LinkedHashMap<>();
        d.week().forEach((day, list) -> week.put(day,
                list.stream().map(i -> new IntervalInput(i.get("start"), i.get("end"))).toList()));
        return new CalendarInput(d.name(), d.timeZone(), week,
                d.holidays().stream().map(h -> new HolidayInput(h.get("date"), h.get("name"))).toList());
    }

    BusinessCalendar.Draft toDraft() {
        ValidationErrors errors = new ValidationErrors();
        String checkedName = errors.requiredText("/name", name, 100);
        String zone = errors.requiredText("/timeZone", timeZone, 64);
        if (zone != null) {
            try {
                zone = ZoneId.of(zone).getId();
            } catch (DateTimeException e) {
                errors.add("/timeZone", "must be an IANA time zone such as Europe/Berlin or Asia/Shanghai");
            }
        }
        Map<String, List<Map<String, String>>> checkedWeek = new LinkedHashMap<>();
        if (week == null || week.isEmpty()) {
            errors.add("/week", "give the opening intervals of at least one weekday");
        } else {
            for (DayOfWeek day : DayOfWeek.values()) {
                String key = day.name().toLowerCase(Locale.ROOT);
                List<IntervalInput> list = week.get(key);
                if (list == null) {
                    continue;
                }
                List<Map<String, String>> intervals = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    IntervalInput interval = list.get(i);
                    String pointer = "/week/" + key + "/" + i;
                    if (interval == null || interval.start() == null || !TIME.matcher(interval.start()).matches()
                            || interval.end() == null || !TIME.matcher(interval.end()).matches()) {
                        errors.add(pointer, "needs start and end as HH:MM (end may be 24:00)");
                    } else if (interval.start().compareTo(interval.end()) >= 0) {
                        errors.add(pointer, "must end after it starts");
                    } else {
                        intervals.add(Map.of("start", interval.start(), "end", interval.end()));
                    }
                }
                checkedWeek.put(key, intervals);
            }
            week.keySet().stream().filter(k -> !checkedWeek.containsKey(k))
                    .forEach(k -> errors.add("/week/" + k, "is not a weekday (monday ... sunday)"));
        }
        List<Map<String, String>> checkedHolidays = new ArrayList<>();
        if (holidays != null) {
            if (holidays.size() > MAX_HOLIDAYS) {
                errors.add("/holidays", "at most " + MAX_HOLIDAYS + " holidays");
            }
            for (int i = 0; i < holidays.size(); i++) {
                HolidayInput h = holidays.get(i);
                try {
                    LocalDate date = LocalDate.parse(h == null ? "" : String.valueOf(h.date()));
                    Map<String, String> holiday = new LinkedHashMap<>();
                    holiday.put("date", date.toString());
                    String holidayName = errors.text("/holidays/" + i + "/name", h.name(), 100);
                    if (holidayName != null) {
                        holiday.put("name", holidayName);
                    }
                    checkedHolidays.add(holiday);
                } catch (DateTimeParseException e) {
                    errors.add("/holidays/" + i + "/date", "must be a date YYYY-MM-DD");
                }
            }
        }
        if (errors.isEmpty()) {
            try {
                BusinessCalendar.hours(zone, checkedWeek, checkedHolidays);
            } catch (IllegalArgumentException e) {
                errors.add("/week", e.getMessage());
            }
        }
        errors.throwIfAny();
        checkedHolidays.sort((a, b) -> a.get("date").compareTo(b.get("date")));
        return new BusinessCalendar.Draft(checkedName, zone, checkedWeek, checkedHolidays);
    }
}
