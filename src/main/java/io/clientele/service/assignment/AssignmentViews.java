package io.clientele.service.assignment;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Agents and rules as the API, their events and history show them (openapi.yaml: ServiceAgent, AssignmentRule). */
public final class AssignmentViews {

    private AssignmentViews() {
    }

    @RegisterForReflection // serialised by Jackson
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Agent(String subject, String displayName, int capacity, List<String> skills, boolean available,
            Long openTickets, long version, Instant createdAt, Instant updatedAt) {
    }

    @RegisterForReflection // serialised by Jackson
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rule(String id, String name, int position, boolean enabled, RuleConditions conditions,
            String teamId, String strategy, List<String> skills, long version, Instant createdAt, Instant updatedAt) {
    }

    public static Agent agent(ServiceAgent a, Long openTickets) {
        return new Agent(a.subject, a.displayName, a.capacity, List.of(a.skills), a.available, openTickets, a.version,
                a.createdAt, a.updatedAt);
    }

    public static Rule rule(AssignmentRule r) {
        return new Rule(r.id.toString(), r.name, r.position, r.enabled, r.conditions, r.teamId.toString(), r.strategy,
                List.of(r.skills), r.version, r.createdAt, r.updatedAt);
    }
}
