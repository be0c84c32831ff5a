package io.clientele.service.intake;

import java.util.List;
import java.util.Map;

import io.clientele.service.tickets.api.TicketInput.AttachmentInput;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One inbound message as a gateway sends it: the CloudEvent {@code data} on Kafka, the body of
 * {@code POST /v1/intake/{channel}}. Which fields a channel needs: {@link IntakeCommand#of}.
 */
@RegisterForReflection // bound by Jackson
public record IntakeData(
        String messageId,
        String inReplyTo,
        List<String> references,
        String callId,
        String caseId,
        String conversationId,
        String submissionId,
        String threadId,
        Party from,
        String subject,
        String text,
        String type,
        String priority,
        List<String> tags,
        Map<String, Object> attributes,
        List<AttachmentInput> attachments) {

    /** Who wrote: an email address and/or a phone number, and a display name. */
    @RegisterForReflection // bound by Jackson
    public record Party(String email, String phone, String region, String name) {
    }
}
