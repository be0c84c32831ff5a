package io.clientele.service.intake;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.clientele.customer.domain.ContactPoints;
import io.clientele.platform.errors.ValidationErrors;
import io.clientele.service.tickets.Attachment;
import io.clientele.service.tickets.TicketChannel;
import io.clientele.service.tickets.TicketPriority;
import io.clientele.service.tickets.TicketType;
import io.clientele.service.tickets.api.TicketMapper;

/**
 * A validated intake message: the key that makes it unique ({@code dedupeKey}), the thread keys that
 * can join it to an existing ticket, the requester's contact points and the ticket/message content.
 */
public record IntakeCommand(
        String tenantId,
        TicketChannel channel,
        String dedupeKey,
        List<String> joinKeys,
        List<String> threadKeys,
        String email,
        String phone,
        String name,
        String subject,
        String body,
        TicketType type,
        TicketPriority priority,
        List<String> tags,
        Map<String, Object> attributes,
        List<Attachment> attachments,
        String externalId,
        String sender) {

    static final int MAX_KEY = 998;

    /**
     * Validates {@code data} for {@code channel}; {@code eventId} (the CloudEvent id, or null over REST)
     * is the dedupe key of a web/api message without a submission id.
     */
    public static IntakeCommand of(String tenantId, TicketChannel channel, IntakeData data, String eventId) {
        ValidationErrors errors = new ValidationErrors();
        IntakeData.Party from = data.from();
        String email = null;
        String phone = null;
        String name = null;
        if (from == null) {
            errors.add("/from", "is required: the sender's email and/or phone");
        } else {
            if (from.email() != null) {
                email = ContactPoints.email(from.email()).orElse(null);
                if (email == null) {
                    errors.add("/from/email", "is not a valid email address");
                }
            }
            if (from.region() != null && !ContactPoints.isRegion(from.region())) {
                errors.add("/from/region", "is not an ISO 3166-1 alpha-2 region");
            } else if (from.phone() != null) {
                phone = ContactPoints.phone(from.phone(), from.region()).orElse(null);
                if (phone == null) {
                    errors.add("/from/phone", "is not a valid phone number (E.164, or national with region)");
                }
            }
            name = errors.text("/from/name", from.name(), 200);
            if (from.email() == null && from.phone() == null) {
                errors.add("/from", "needs an email or a phone to match the requester");
            }
        }
        String dedupe = null;
        List<String> join = new ArrayList<>();
        Set<String> thread = new LinkedHashSet<>();
        String externalId = null;
        String defaultSubject;
        switch (channel) {
            case EMAIL -> {
                String id = key(errors, "/messageId", data.messageId(), true);
                if (email == null && from != null && from.email() == null) {
                    errors.add("/from/email", "is required for email");
                }
                if (id != null) {
                    dedupe = "email:" + id;
                    thread.add(dedupe);
                    externalId = id;
                }
                String replyTo = key(errors, "/inReplyTo", data.inReplyTo(), false);
                if (replyTo != null) {
                    join.add("email:" + replyTo);
                }
                List<String> refs = data.references() == null ? List.of() : data.references();
                if (refs.size() > 100) {
                    errors.add("/references", "at most 100 message ids");
                }
                for (int i = 0; i < Math.min(refs.size(), 100); i++) {
                    String ref = key(errors, "/references/" + i, refs.get(i), true);
                    if (ref != null) {
                        join.add("email:" + ref);
                    }
                }
                // A reply that arrives before the message it answers registers that message's id, so the
                // late original joins the reply's ticket instead of opening another.
                thread.addAll(join);
                join.add(0, dedupe);
                defaultSubject = "(no subject)";
            }
            case PHONE -> {
                String id = key(errors, "/callId", data.callId(), true);
                if (phone == null && from != null && from.phone() == null) {
                    errors.add("/from/phone", "is required for phone");
                }
                dedupe = id == null ? null : "call:" + id;
                externalId = id;
                String caseId = key(errors, "/caseId", data.caseId(), false);
                if (caseId != null) {
                    join.add("case:" + caseId);
                    thread.add("case:" + caseId);
                }
                defaultSubject = "Phone call" + (phone == null ? "" : " from " + phone);
            }
            case CHAT -> {
                String conversation = key(errors, "/conversationId", data.conversationId(), true);
                String id = key(errors, "/messageId", data.messageId(), true);
                if (conversation != null) {
                    dedupe = "chat:" + conversation + ":" + id;
                    join.add("chat:" + conversation);
                    thread.add("chat:" + conversation);
                }
                externalId = id;
                defaultSubject = "Chat conversation";
            }
            default -> {
                String id = key(errors, "/submissionId", data.submissionId(), false);
                if (id != null) {
                    dedupe = channel.apiName() + ":" + id;
                    externalId = id;
                } else if (eventId != null) {
                    dedupe = "event:" + eventId;
                }
                String threadId = key(errors, "/threadId", data.threadId(), false);
                if (threadId != null) {
                    join.add(channel.apiName() + "-thread:" + threadId);
                    thread.add(channel.apiName() + "-thread:" + threadId);
                }
                defaultSubject = "Request via " + channel.apiName();
            }
        }
        String subject = errors.text("/subject", data.subject(), 500);
        String body = data.text() == null ? "" : data.text();
        if (body.length() > TicketMapper.MAX_BODY) {
            errors.add("/text", "must be at most " + TicketMapper.MAX_BODY + " characters");
        }
        List<Attachment> attachments = TicketMapper.attachments(data.attachments(), errors, "/attachments");
        if (body.isBlank() && attachments.isEmpty() && channel != TicketChannel.PHONE) {
            errors.add("/text", "is required (or at least one attachment)");
        }
        TicketType type = data.type() == null ? TicketType.INQUIRY : TicketType.parse(data.type());
        if (type == null) {
            errors.add("/type", "must be one of " + TicketType.API_NAMES);
        }
        TicketPriority priority = data.priority() == null ? TicketPriority.NORMAL
                : TicketPriority.parse(data.priority());
        if (priority == null) {
            errors.add("/priority", "must be one of " + TicketPriority.API_NAMES);
        }
        List<String> tags = TicketMapper.tags(data.tags(), errors, "/tags");
        errors.throwIfAny();
        join.removeIf(k -> k == null);
        return new IntakeCommand(tenantId, channel, dedupe, List.copyOf(new LinkedHashSet<>(join)),
                List.copyOf(thread), email, phone, name, subject == null ? defaultSubject : subject,
                body.isBlank() && channel == TicketChannel.PHONE ? "(phone call)" : body, type, priority, tags,
                data.attributes() == null ? new LinkedHashMap<>() : data.attributes(), attachments, externalId,
                email != null ? email : phone);
    }

    /** A message id as a key: angle brackets and surrounding space removed. */
    private static String key(ValidationErrors errors, String pointer, String value, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                errors.add(pointer, "is required");
            }
            return null;
        }
        String key = value.strip();
        if (key.startsWith("<") && key.endsWith(">")) {
            key = key.substring(1, key.length() - 1).strip();
        }
        if (key.isEmpty() || key.length() > MAX_KEY || key.chars().anyMatch(Character::isISOControl)) {
            errors.add(pointer, "must be 1 to " + MAX_KEY + " characters without control characters");
            return null;
        }
        return key;
    }
}
