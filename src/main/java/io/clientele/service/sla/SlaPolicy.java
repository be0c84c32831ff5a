package io.clientele.service.sla;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.clientele.platform.persistence.TenantRecord;

/**
 * Targets for tickets of some priorities and types, in business time of a calendar (round the clock,
 * UTC, when it names none). The enabled policy with the lowest position that matches a ticket applies.
 */
@Entity
@Table(name = "sla_policy")
public class SlaPolicy extends TenantRecord {

    /** The measured targets, by API name. */
    public static final List<String> METRICS = List.of("firstResponse", "nextResponse", "resolution");

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public int position;

    @Column(nullable = false)
    public boolean enabled = true;

    /** Empty: any priority. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false)
    public String[] priorities = new String[0];

    /** Empty: any type. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "ticket_types", nullable = false)
    public String[] ticketTypes = new String[0];

    @Column(name = "calendar_id")
    public UUID calendarId;

    /** Metric name to ISO-8601 duration of business time, e.g. {@code "firstResponse": "PT1H"}. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, String> targets = new LinkedHashMap<>();

    @Column(name = "warn_before_pct", nullable = false)
    public int warnBeforePercent = 20;

    /** Actions: {@code {"on": "warning"|"breach", "metric": ..., "action": "raise_priority"|"reassign"|"notify", ...}}. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, List<Map<String, Object>>> escalation = new LinkedHashMap<>(Map.of("actions", List.of()));

    /** The escalation actions, in the order they are taken. */
    public List<Map<String, Object>> actions() {
        return escalation.getOrDefault("actions", List.of());
    }

    /** A policy's writable state, already validated. */
    public record Draft(String name, int position, boolean enabled, List<String> priorities, List<String> ticketTypes,
            UUID calendarId, Map<String, String> targets, int warnBeforePercent, List<Map<String, Object>> escalation) {
    }

    public Draft toDraft() {
        return new Draft(name, position, enabled, List.of(priorities), List.of(ticketTypes), calendarId, targets,
                warnBeforePercent, actions());
    }

    public void apply(Draft d) {
        name = d.name();
        position = d.position();
        enabled = d.enabled();
        priorities = d.priorities().toArray(String[]::new);
        ticketTypes = d.ticketTypes().toArray(String[]::new);
        calendarId = d.calendarId();
        targets = new LinkedHashMap<>(d.targets());
        warnBeforePercent = d.warnBeforePercent();
        escalation = new LinkedHashMap<>(Map.of("actions", new ArrayList<>(d.escalation())));
    }

    /** Whether the policy applies to a ticket of this priority and type. */
    public boolean matches(String priority, String type) {
        return enabled && (priorities.length == 0 || List.of(priorities).contains(priority))
                && (ticketTypes.length == 0 || List.of(ticketTypes).contains(type));
    }

    public Duration target(String metric) {
        String value = targets.get(metric);
        return value == null ? null : Duration.parse(value);
    }

    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id.toString());
        view.put("name", name);
        view.put("position", position);
        view.put("enabled", enabled);
        view.put("priorities", List.of(priorities));
        view.put("ticketTypes", List.of(ticketTypes));
        if (calendarId != null) {
            view.put("calendarId", calendarId.toString());
        }
        view.put("targets", targets);
        view.put("warnBeforePercent", warnBeforePercent);
        view.put("escalation", actions());
        view.put("version", version);
        view.put("createdAt", createdAt.toString());
        view.put("updatedAt", updatedAt.toString());
        return view;
    }
}
