package io.clientele.service.tickets;

import java.util.List;

/** A message to append to a ticket's thread. */
public record NewMessage(MessageDirection direction, TicketChannel channel, String body, String authorId,
        String sender, String externalId, List<Attachment> attachments) {
}
