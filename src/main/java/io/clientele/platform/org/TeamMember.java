package io.clientele.platform.org;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** A user's membership of a team: {@code lead} or {@code member}. */
public record TeamMember(UUID teamId, String subject, String role, Instant addedAt) {

    public static final String LEAD = "lead";
    public static final String MEMBER = "member";

    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("teamId", teamId.toString());
        view.put("subject", subject);
        view.put("role", role);
        view.put("addedAt", addedAt.toString());
        return view;
    }
}
