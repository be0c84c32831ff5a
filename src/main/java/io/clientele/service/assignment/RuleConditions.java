package io.clientele.service.assignment;

import java.util.List;
import java.util.UUID;

import io.clientele.service.tickets.Ticket;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * When a rule applies: every non-empty list must contain the ticket's value (for tags: share one tag).
 * {@code segmentIds}: the requester is in one of these customer segments. An empty or absent list places
 * no condition.
 */
@RegisterForReflection // stored as JSON and bound by Jackson
public record RuleConditions(List<String> channels, List<String> types, List<String> priorities, List<String> tags,
        List<UUID> segmentIds) {

    public static final RuleConditions ANY = new RuleConditions(List.of(), List.of(), List.of(), List.of(), List.of());

    /** Whether {@code ticket} matches the ticket conditions (segments are checked by the caller). */
    public boolean matchesTicket(Ticket ticket) {
        return in(channels, ticket.channel) && in(types, ticket.type) && in(priorities, ticket.priority)
                && (empty(tags) || List.of(ticket.tags).stream().anyMatch(tags::contains));
    }

    public boolean hasSegments() {
        return segmentIds != null && !segmentIds.isEmpty();
    }

    private static boolean in(List<String> allowed, String value) {
        return empty(allowed) || allowed.contains(value);
    }

    private static boolean empty(List<?> list) {
        return list == null || list.isEmpty();
    }
}
