package io.clientele.sales.domain;

import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.org.Teams;
import io.clientele.platform.security.Caller;
import io.clientele.platform.security.RecordScope;
import io.clientele.platform.security.Visibility;
import io.smallrye.mutiny.Uni;

/**
 * Record visibility for the sales resources (opportunities, activities): the platform's
 * {@link Visibility} rules (clientele.security.visibility.opportunities|activities.*), as the sales
 * module consumes them.
 */
@ApplicationScoped
public class SalesScopes {

    public static final String OPPORTUNITIES = "opportunities";
    public static final String ACTIVITIES = "activities";

    private final Visibility visibility;
    private final Teams teams;

    SalesScopes(Visibility visibility, Teams teams) {
        this.visibility = visibility;
        this.teams = teams;
    }

    public Uni<RecordScope> scope(Caller caller, String resource) {
        return visibility.scope(caller, resource);
    }

    /** Subjects of the members of a team of the caller's tenant (empty for an unknown team). */
    public Uni<Set<String>> teamMembers(Caller caller, UUID teamId) {
        return teams.members(caller.tenantId(), teamId);
    }
}
