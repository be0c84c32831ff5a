package io.clientele.platform.security;

import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.org.Teams;
import io.smallrye.mutiny.Uni;

/**
 * Record-level visibility: the one place that decides which records of a resource a caller sees, from
 * {@code clientele.security.visibility.<resource>.<role>=own|team|all}. The widest level among the caller's
 * roles wins; a role with no entry sees only its own records, so a new role starts narrow, never wide.
 */
@ApplicationScoped
public class Visibility {

    private final Map<String, Map<String, VisibilityLevel>> levels;
    private final Teams teams;

    Visibility(ClienteleConfig config, Teams teams) {
        this.levels = config.security().visibility();
        this.teams = teams;
    }

    public Uni<RecordScope> scope(Caller caller, String resource) {
        VisibilityLevel level = level(caller.roles(), resource);
        return switch (level) {
            case ALL -> Uni.createFrom().item(RecordScope.everything());
            case OWN -> Uni.createFrom().item(RecordScope.ownedBy(level, Set.of(caller.subject())));
            case TEAM -> teams.teammates(caller.tenantId(), caller.subject())
                    .map(subjects -> RecordScope.ownedBy(level, subjects));
        };
    }

    /** The widest level any of {@code roles} has on {@code resource}. */
    public VisibilityLevel level(Set<String> roles, String resource) {
        Map<String, VisibilityLevel> byRole = levels.getOrDefault(resource, Map.of());
        VisibilityLevel widest = VisibilityLevel.OWN;
        for (String role : roles) {
            VisibilityLevel level = byRole.get(role);
            if (level != null && level.compareTo(widest) > 0) {
                widest = level;
            }
        }
        return widest;
    }
}
