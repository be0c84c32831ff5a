package io.clientele.service.assignment.api;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.clientele.platform.errors.ValidationErrors;
import io.clientele.service.assignment.AssignmentConfig.AgentDraft;
import io.clientele.service.assignment.AssignmentConfig.RuleDraft;
import io.clientele.service.assignment.AssignmentRule;
import io.clientele.service.assignment.RuleConditions;
import io.clientele.service.tickets.TicketChannel;
import io.clientele.service.tickets.TicketPriority;
import io.clientele.service.tickets.TicketType;
import io.clientele.service.tickets.api.TicketMapper;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Request bodies of /v1/agents and /v1/assignment-rules, and their validation (422 with pointers). */
public final class AssignmentInputs {

    private AssignmentInputs() {
    }

    @RegisterForReflection // bound by Jackson
    public record AgentInput(String displayName, Integer capacity, List<String> skills, Boolean available) {

        AgentDraft toDraft() {
            ValidationErrors errors = new ValidationErrors();
            String name = errors.text("/displayName", displayName, 200);
            int cap = capacity == null ? 10 : capacity;
            if (cap < 0 || cap > 10_000) {
                errors.add("/capacity", "must be between 0 and 10000");
            }
            List<String> checked = TicketMapper.tags(skills, errors, "/skills");
            errors.throwIfAny();
            return new AgentDraft(name, cap, checked, available == null || available);
        }
    }

    @RegisterForReflection // bound by Jackson
    public record ConditionsInput(List<String> channels, List<String> types, List<String> priorities, List<String> tags,
            List<UUID> segmentIds) {
    }

    @RegisterForReflection // bound by Jackson
    public record RuleInput(String name, Integer position, Boolean enabled, ConditionsInput conditions, UUID teamId,
            String strategy, List<String> skills) {

        RuleDraft toDraft() {
            ValidationErrors errors = new ValidationErrors();
            String checkedName = errors.requiredText("/name", name, 100);
            if (teamId == null) {
                errors.add("/teamId", "is required");
            }
            AssignmentRule.Strategy s = strategy == null ? AssignmentRule.Strategy.LEAST_LOADED
                    : AssignmentRule.Strategy.parse(strategy);
            if (s == null) {
                errors.add("/strategy", "must be one of [round_robin, least_loaded, skills]");
            }
            ConditionsInput c = conditions == null ? new ConditionsInput(null, null, null, null, null) : conditions;
            RuleConditions checked = new RuleConditions(
                    values(errors, "/conditions/channels", c.channels(), TicketChannel.API_NAMES),
                    values(errors, "/conditions/types", c.types(), TicketType.API_NAMES),
                    values(errors, "/conditions/priorities", c.priorities(), TicketPriority.API_NAMES),
                    TicketMapper.tags(c.tags(), errors, "/conditions/tags"),
                    c.segmentIds() == null ? List.of() : List.copyOf(new java.util.LinkedHashSet<>(c.segmentIds())));
            List<String> checkedSkills = TicketMapper.tags(skills, errors, "/skills");
            if (s == AssignmentRule.Strategy.SKILLS && checkedSkills.isEmpty()) {
                errors.add("/skills", "the skills strategy needs at least one skill");
            }
            errors.throwIfAny();
            return new RuleDraft(checkedName, position == null ? 100 : position, enabled == null || enabled, checked,
                    teamId, s, checkedSkills);
        }
    }

    static RuleInput patchable(AssignmentRule r) {
        RuleConditions c = r.conditions;
        return new RuleInput(r.name, r.position, r.enabled, new ConditionsInput(c.channels(), c.types(),
                c.priorities(), c.tags(), c.segmentIds()), r.teamId, r.strategy, List.of(r.skills));
    }

    private static List<String> values(ValidationErrors errors, String pointer, List<String> given,
            List<String> allowed) {
        List<String> result = new ArrayList<>();
        if (given == null) {
            return result;
        }
        for (int i = 0; i < given.size(); i++) {
            if (!allowed.contains(given.get(i))) {
                errors.add(pointer + "/" + i, "must be one of " + allowed);
            } else if (!result.contains(given.get(i))) {
                result.add(given.get(i));
            }
        }
        return result;
    }
}
