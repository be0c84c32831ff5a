package io.clientele.service.intake;

import java.util.UUID;

/** What one intake message did: opened a ticket, joined one, or repeated an earlier message. */
public record IntakeOutcome(Result result, UUID ticketId, UUID messageId) {

    public enum Result {
        CREATED, JOINED, DUPLICATE;

        public String apiName() {
            return name().toLowerCase();
        }
    }
}
