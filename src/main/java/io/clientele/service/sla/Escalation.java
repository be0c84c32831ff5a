package io.clientele.service.sla;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.clientele.platform.errors.ValidationErrors;
import io.clientele.service.sla.api.PolicyInput.EscalationInput;

/** The escalation actions a policy can take when a target is about to be, or has been, missed. */
public final class Escalation {

    public static final String WARNING = "warning";
    public static final String BREACH = "breach";
    public static final String RAISE_PRIORITY = "raise_priority";
    public static final String REASSIGN = "reassign";
    public static final String NOTIFY = "notify";
    static final Set<String> ACTIONS = Set.of(RAISE_PRIORITY, REASSIGN, NOTIFY);

    private Escalation() {
    }

    /** Checks one action of a request; returns its stored form, or null after adding errors. */
    public static Map<String, Object> validate(ValidationErrors errors, String pointer, EscalationInput in) {
        if (in == null) {
            errors.add(pointer, "must be an object");
            return null;
        }
        boolean ok = true;
        if (!WARNING.equals(in.on()) && !BREACH.equals(in.on())) {
            errors.add(pointer + "/on", "must be warning or breach");
            ok = false;
        }
        if (in.metric() != null && !SlaPolicy.METRICS.contains(in.metric())) {
            errors.add(pointer + "/metric", "must be firstResponse, nextResponse or resolution (absent: any)");
            ok = false;
        }
        if (!ACTIONS.contains(in.action())) {
            errors.add(pointer + "/action", "must be raise_priority, reassign or notify");
            ok = false;
        }
        if (REASSIGN.equals(in.action()) && in.teamId() == null && in.assigneeId() == null) {
            errors.add(pointer, "reassign needs a teamId, an assigneeId or both");
            ok = false;
        }
        if (in.teamId() != null) {
            try {
                UUID.fromString(in.teamId());
            } catch (IllegalArgumentException e) {
                errors.add(pointer + "/teamId", "is not a UUID");
                ok = false;
            }
        }
        String assignee = errors.text(pointer + "/assigneeId", in.assigneeId(), 200);
        List<String> recipients = new ArrayList<>();
        if (in.recipients() != null) {
            if (in.recipients().size() > 20) {
                errors.add(pointer + "/recipients", "at most 20 recipients");
                ok = false;
            }
            for (int i = 0; i < in.recipients().size(); i++) {
                String r = errors.requiredText(pointer + "/recipients/" + i, in.recipients().get(i), 200);
                if (r != null) {
                    recipients.add(r);
                }
            }
        }
        if (!ok) {
            return null;
        }
        Map<String, Object> action = new LinkedHashMap<>();
        action.put("on", in.on());
        if (in.metric() != null) {
            action.put("metric", in.metric());
        }
        action.put("action", in.action());
        if (in.teamId() != null) {
            action.put("teamId", in.teamId());
        }
        if (assignee != null) {
            action.put("assigneeId", assignee);
        }
        if (!recipients.isEmpty()) {
            action.put("recipients", recipients);
        }
        return action;
    }

    /** Whether a stored action fires for this kind of event on this metric. */
    static boolean applies(Map<String, Object> action, String on, String metric) {
        return on.equals(action.get("on")) && (action.get("metric") == null || metric.equals(action.get("metric")));
    }
}
