package io.clientele.service.tickets;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The validated desired state of a ticket's editable fields (create, or after a patch). */
public record TicketDraft(TicketType type, TicketChannel channel, TicketPriority priority, TicketStatus status,
        String subject, UUID customerId, String assigneeId, UUID teamId, List<String> tags,
        Map<String, Object> attributes) {
}
