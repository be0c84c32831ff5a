package io.clientele.service.sla.api;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.clientele.platform.errors.ValidationErrors;
import io.clientele.service.sla.Escalation;
import io.clientele.service.sla.SlaPolicy;
import io.clientele.service.tickets.TicketPriority;
import io.clientele.service.tickets.TicketType;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of a policy create, and the document a policy merge patch applies to. */
@RegisterForReflection
public record PolicyInput(String name, Integer position, Boolean enabled, List<String> priorities,
        List<String> ticketTypes, String calendarId, Map<String, String> targets, Integer warnBeforePercent,
        List<EscalationInput> escalation) {

    static final Duration MAX_TARGET = Duration.ofDays(365);
    static final int MAX_ACTIONS = 20;

    @RegisterForReflection
    public record EscalationInput(String on, String metric, String action, String teamId, String assigneeId,
            List<String> recipients) {
    }

    static PolicyInput of(SlaPolicy.Draft d) {
        List<EscalationInput> actions = new ArrayList<>();
        for (Map<String, Object> a : d.escalation()) {
            @SuppressWarnings("unchecked")
            List<String> recipients = (List<String>) a.get("recipients");
            actions.add(new EscalationInput((String) a.get("on"), (String) a.get("metric"), (String) a.get("action"),
                    (String) a.get("teamId"), (String) a.get("assigneeId"), recipients));
        }
        return new PolicyInput(d.name(), d.position(), d.enabled(), d.priorities(), d.ticketTypes(),
                d.calendarId() == null ? null : d.calendarId().toString(), d.targets(), d.warnBeforePercent(), actions);
    }

    SlaPolicy.Draft toDraft() {
        ValidationErrors errors = new ValidationErrors();
        String checkedName = errors.requiredText("/name", name, 100);
        int checkedPosition = position == null ? 100 : position;
        if (checkedPosition < 0 || checkedPosition > 1_000_000) {
            errors.add("/position", "must be between 0 and 1000000");
        }
        List<String> checkedPriorities = names(errors, "/priorities", priorities, TicketPriority.API_NAMES);
        List<String> checkedTypes = names(errors, "/ticketTypes", ticketTypes, TicketType.API_NAMES);
        UUID calendar = null;
        if (calendarId != null) {
            try {
                calendar = UUID.fromString(calendarId);
            } catch (IllegalArgumentException e) {
                errors.add("/calendarId", "is not a UUID");
            }
        }
        Map<String, String> checkedTargets = new LinkedHashMap<>();
        if (targets == null || targets.isEmpty()) {
            errors.add("/targets", "give at least one of firstResponse, nextResponse, resolution");
        } else {
            targets.forEach((metric, value) -> {
                if (!SlaPolicy.METRICS.contains(metric)) {
                    errors.add("/targets/" + metric, "is not a metric (firstResponse, nextResponse, resolution)");
                    return;
                }
                try {
                    Duration d = Duration.parse(String.valueOf(value));
                    if (d.isNegative() || d.isZero() || d.compareTo(MAX_TARGET) > 0 || d.toSecondsPart() != 0
                            || d.getNano() != 0) {
                        errors.add("/targets/" + metric, "must be whole minutes, more than zero and at most 365 days");
                    } else {
                        checkedTargets.put(metric, d.toString());
                    }
                } catch (DateTimeParseException e) {
                    errors.add("/targets/" + metric, "must be an ISO 8601 duration such as PT4H or PT30M");
                }
            });
        }
        int warn = warnBeforePercent == null ? 20 : warnBeforePercent;
        if (warn < 0 || warn > 90) {
            errors.add("/warnBeforePercent", "must be between 0 and 90");
        }
        List<Map<String, Object>> actions = new ArrayList<>();
        if (escalation != null) {
            if (escalation.size() > MAX_ACTIONS) {
                errors.add("/escalation", "at most " + MAX_ACTIONS + " actions");
            }
            for (int i = 0; i < escalation.size(); i++) {
                Map<String, Object> action = Escalation.validate(errors, "/escalation/" + i, escalation.get(i));
                if (action != null) {
                    actions.add(action);
                }
            }
        }
        errors.throwIfAny();
        return new SlaPolicy.Draft(checkedName, checkedPosition, enabled == null || enabled, checkedPriorities,
                checkedTypes, calendar, checkedTargets, warn, actions);
    }

    private static List<String> names(ValidationErrors errors, String pointer, List<String> values,
            List<String> allowed) {
        if (values == null) {
            return List.of();
        }
        LinkedHashSet<String> checked = new LinkedHashSet<>();
        for (int i = 0; i < values.size(); i++) {
            if (!allowed.contains(values.get(i))) {
                errors.add(pointer + "/" + i, "must be one of " + String.join(", ", allowed));
            } else {
                checked.add(values.get(i));
            }
        }
        return new ArrayList<>(checked);
    }
}
