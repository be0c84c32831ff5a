package io.clientele.sales.domain;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.security.Caller;
import io.smallrye.mutiny.Uni;

/** Record visibility for the sales resources (opportunities, activities), from the platform's rules. */
@ApplicationScoped
public class SalesScopes {

    public static final String OPPORTUNITIES = "opportunities";
    public static final String ACTIVITIES = "activities";

    public Uni<OwnerFilter> scope(Caller caller, String resource) {
        return Uni.createFrom().item(OwnerFilter.ALL);
    }

    /** Subjects of the members of a team of the caller's tenant (404 when there is no such team). */
    public Uni<java.util.Set<String>> teamMembers(Caller caller, java.util.UUID teamId) {
        return Uni.createFrom().failure(io.clientele.platform.errors.ProblemException.notFound("team", teamId));
    }
}
