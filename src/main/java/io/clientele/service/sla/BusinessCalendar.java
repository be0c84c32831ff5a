package io.clientele.service.sla;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.clientele.platform.persistence.TenantRecord;

/** A tenant's business calendar: opening intervals per weekday, holidays, and the zone they are meant in. */
@Entity
@Table(name = "business_calendar")
public class BusinessCalendar extends TenantRecord {

    @Column(nullable = false)
    public String name;

    @Column(name = "time_zone", nullable = false)
    public String timeZone;

    /** Weekday name ({@code monday}...) to intervals {@code {"start": "09:00", "end": "17:00"}}. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, List<Map<String, String>>> week = new LinkedHashMap<>();

    /** Holiday date ({@code 2026-12-25}) to its name ({@code ""} when it has none). */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, String> holidays = new TreeMap<>();

    /** A calendar's writable state, already validated. */
    public record Draft(String name, String timeZone, Map<String, List<Map<String, String>>> week,
            List<Map<String, String>> holidays) {
    }

    public Draft toDraft() {
        return new Draft(name, timeZone, week, holidayList());
    }

    /** Holidays in date order, as the API shows them. */
    public List<Map<String, String>> holidayList() {
        List<Map<String, String>> list = new ArrayList<>();
        new TreeMap<>(holidays).forEach((date, label) -> {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("date", date);
            if (!label.isEmpty()) {
                h.put("name", label);
            }
            list.add(h);
        });
        return list;
    }

    public void apply(Draft draft) {
        name = draft.name();
        timeZone = draft.timeZone();
        week = new LinkedHashMap<>(draft.week());
        holidays = new TreeMap<>();
        draft.holidays().forEach(h -> holidays.put(h.get("date"), h.getOrDefault("name", "")));
    }

    /** The engine's view of this calendar. */
    public BusinessHours hours() {
        return hours(timeZone, week, holidayList());
    }

    /** Builds the engine's calendar from the stored shape; throws IllegalArgumentException on a broken one. */
    public static BusinessHours hours(String zone, Map<String, List<Map<String, String>>> week,
            List<Map<String, String>> holidays) {
        Map<DayOfWeek, List<BusinessHours.Interval>> intervals = new EnumMap<>(DayOfWeek.class);
        week.forEach((day, list) -> {
            List<BusinessHours.Interval> parsed = new ArrayList<>();
            for (Map<String, String> i : list) {
                parsed.add(BusinessHours.Interval.parse(i.get("start"), i.get("end")));
            }
            intervals.put(DayOfWeek.valueOf(day.toUpperCase(Locale.ROOT)), parsed);
        });
        Set<LocalDate> dates = new HashSet<>();
        for (Map<String, String> h : holidays) {
            dates.add(LocalDate.parse(h.get("date")));
        }
        return new BusinessHours(ZoneId.of(zone), intervals, dates);
    }

    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id.toString());
        view.put("name", name);
        view.put("timeZone", timeZone);
        view.put("week", week);
        view.put("holidays", holidayList());
        view.put("version", version);
        view.put("createdAt", createdAt.toString());
        view.put("updatedAt", updatedAt.toString());
        return view;
    }
}
