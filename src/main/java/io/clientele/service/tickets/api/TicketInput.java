package io.clientele.service.tickets.api;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The body of a ticket create, and the document a merge patch is applied to; {@link TicketMapper}
 * checks the rules and answers 422 with JSON pointers.
 */
@RegisterForReflection // bound by Jackson
public record TicketInput(String type, String channel, String priority, String status, String subject,
        UUID customerId, String assigneeId, UUID teamId, List<String> tags, Map<String, Object> attributes,
        MessageInput message) {

    /** A message for a ticket's thread (the first one on create). */
    @RegisterForReflection // bound by Jackson
    public record MessageInput(String direction, String body, String sender, List<AttachmentInput> attachments) {
    }

    @RegisterForReflection // bound by Jackson
    public record AttachmentInput(String filename, String contentType, Long size, String url) {
    }
}
