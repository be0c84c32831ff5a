package io.clientele.service.tickets;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A ticket as the API, its events and its history show it (openapi.yaml: Ticket). */
@RegisterForReflection // serialised by Jackson in responses, events and history
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TicketView(String id, String type, String channel, String priority, String status, String subject,
        String customerId, String assigneeId, String teamId, List<String> tags, Map<String, Object> attributes,
        Map<String, Object> assignment, long version, Instant createdAt, Instant updatedAt, Instant lastMessageAt,
        Instant solvedAt, Instant closedAt) {

    public static TicketView of(Ticket t) {
        return new TicketView(t.id.toString(), t.type, t.channel, t.priority, t.status, t.subject,
                t.customerId == null ? null : t.customerId.toString(), t.assigneeId,
                t.teamId == null ? null : t.teamId.toString(), Arrays.asList(t.tags), t.attributes, t.assignment,
                t.version, t.createdAt, t.updatedAt, t.lastMessageAt, t.solvedAt, t.closedAt);
    }

    /** A message as the API and the ticket.message_added event show it (openapi.yaml: TicketMessage). */
    @RegisterForReflection // serialised by Jackson
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Message(String id, String ticketId, String direction, String channel, String body,
            String authorId, String sender, String externalId, List<Attachment> attachments, Instant createdAt) {

        public static Message of(TicketMessage m) {
            return new Message(m.id.toString(), m.ticketId.toString(), m.direction, m.channel, m.body, m.authorId,
                    m.sender, m.externalId, m.attachments.items(), m.createdAt);
        }
    }
}
