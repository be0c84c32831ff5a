package io.clientele.customer.domain.matching;

import java.util.Locale;

/** What a write does when likely duplicates exist: go ahead, refuse with 409, or merge into the best one. */
public enum DuplicatePolicy {
    ALLOW, REJECT, MERGE;

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The policy named {@code value} (case-insensitive), or null when there is none by that name. */
    public static DuplicatePolicy parse(String value) {
        for (DuplicatePolicy p : values()) {
            if (p.apiName().equalsIgnoreCase(value)) {
                return p;
            }
        }
        return null;
    }
}
