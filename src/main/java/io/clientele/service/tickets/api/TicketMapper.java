package io.clientele.service.tickets.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.clientele.platform.errors.ValidationErrors;
import io.clientele.service.tickets.Attachment;
import io.clientele.service.tickets.MessageDirection;
import io.clientele.service.tickets.NewMessage;
import io.clientele.service.tickets.Ticket;
import io.clientele.service.tickets.TicketChannel;
import io.clientele.service.tickets.TicketDraft;
import io.clientele.service.tickets.TicketPriority;
import io.clientele.service.tickets.TicketStatus;
import io.clientele.service.tickets.TicketType;

/** Validates API input into drafts; shared by the ticket resource and REST intake. */
public final class TicketMapper {

    public static final int MAX_BODY = 65_536;
    public static final int MAX_ATTACHMENTS = 50;

    private TicketMapper() {
    }

    /** The draft of a new ticket; type defaults to inquiry, priority to normal, channel to api. */
    public static TicketDraft toDraft(TicketInput in) {
        ValidationErrors errors = new ValidationErrors();
        TicketDraft draft = validate(in, errors, "api");
        errors.throwIfAny();
        return draft;
    }

    /** The draft after a patch: the channel is where the ticket came in and cannot change. */
    public static TicketDraft afterPatch(Ticket current, TicketInput in) {
        ValidationErrors errors = new ValidationErrors();
        if (in.message() != null) {
            errors.add("/message", "messages are added with POST /v1/tickets/{id}/messages");
        }
        if (!current.channel.equals(in.channel())) {
            errors.add("/channel", "the channel a ticket came in through cannot change");
        }
        TicketDraft draft = validate(in, errors, current.channel);
        errors.throwIfAny();
        return draft;
    }

    /** The writable state of a ticket in the shape of {@link TicketInput}. */
    public static TicketInput patchable(Ticket t) {
        return new TicketInput(t.type, t.channel, t.priority, t.status, t.subject, t.customerId, t.assigneeId,
                t.teamId, List.of(t.tags), t.attributes, null);
    }

    static TicketDraft validate(TicketInput in, ValidationErrors errors, String defaultChannel) {
        TicketType type = in.type() == null ? TicketType.INQUIRY : TicketType.parse(in.type());
        if (type == null) {
            errors.add("/type", "must be one of " + TicketType.API_NAMES);
        }
        TicketChannel channel = TicketChannel.parse(in.channel() == null ? defaultChannel : in.channel());
        if (channel == null) {
            errors.add("/channel", "must be one of " + TicketChannel.API_NAMES);
        }
        TicketPriority priority = in.priority() == null ? TicketPriority.NORMAL : TicketPriority.parse(in.priority());
        if (priority == null) {
            errors.add("/priority", "must be one of " + TicketPriority.API_NAMES);
        }
        TicketStatus status = in.status() == null ? null : TicketStatus.parse(in.status());
        if (in.status() != null && status == null) {
            errors.add("/status", "must be one of " + TicketStatus.API_NAMES);
        }
        String subject = errors.requiredText("/subject", in.subject(), 500);
        String assignee = errors.text("/assigneeId", in.assigneeId(), 255);
        List<String> tags = tags(in.tags(), errors, "/tags");
        return new TicketDraft(type, channel, priority, status, subject, in.customerId(), assignee, in.teamId(), tags,
                in.attributes() == null ? new LinkedHashMap<>() : in.attributes());
    }

    /** Tags are compared ignoring case and stored lower-cased, each once, in the order given. */
    public static List<String> tags(List<String> given, ValidationErrors errors, String pointer) {
        if (given == null) {
            return List.of();
        }
        if (given.size() > 50) {
            errors.add(pointer, "at most 50 tags");
        }
        Set<String> tags = new LinkedHashSet<>();
        for (int i = 0; i < given.size(); i++) {
            String tag = errors.text(pointer + "/" + i, given.get(i), 64);
            if (tag == null) {
                errors.add(pointer + "/" + i, "must not be empty");
            } else {
                tags.add(tag.toLowerCase(Locale.ROOT));
            }
        }
        return new ArrayList<>(tags);
    }

    /** A message written through the API by {@code author}; direction outbound unless given. */
    public static NewMessage toMessage(TicketInput.MessageInput in, TicketChannel channel, String author,
            String pointer) {
        ValidationErrors errors = new ValidationErrors();
        NewMessage message = message(in, channel, author, pointer, errors);
        errors.throwIfAny();
        return message;
    }

    static NewMessage message(TicketInput.MessageInput in, TicketChannel channel, String author, String pointer,
            ValidationErrors errors) {
        MessageDirection direction = in.direction() == null ? MessageDirection.OUTBOUND
                : MessageDirection.parse(in.direction());
        if (direction == null) {
            errors.add(pointer + "/direction", "must be one of " + MessageDirection.API_NAMES);
        }
        String body = in.body() == null || in.body().isBlank() ? null : in.body();
        if (body == null) {
            errors.add(pointer + "/body", "is required");
        } else if (body.length() > MAX_BODY) {
            errors.add(pointer + "/body", "must be at most " + MAX_BODY + " characters");
        }
        String sender = errors.text(pointer + "/sender", in.sender(), 320);
        List<Attachment> attachments = attachments(in.attachments(), errors, pointer + "/attachments");
        return new NewMessage(direction, channel, body, direction == MessageDirection.INBOUND ? null : author,
                sender, null, attachments);
    }

    public static List<Attachment> attachments(List<TicketInput.AttachmentInput> given, ValidationErrors errors,
            String pointer) {
        List<Attachment> result = new ArrayList<>();
        if (given == null) {
            return result;
        }
        if (given.size() > MAX_ATTACHMENTS) {
            errors.add(pointer, "at most " + MAX_ATTACHMENTS + " attachments");
        }
        for (int i = 0; i < given.size(); i++) {
            TicketInput.AttachmentInput a = given.get(i);
            if (a == null) {
                errors.add(pointer + "/" + i, "must be an object");
                continue;
            }
            String name = errors.requiredText(pointer + "/" + i + "/filename", a.filename(), 255);
            String type = errors.text(pointer + "/" + i + "/contentType", a.contentType(), 255);
            String url = errors.text(pointer + "/" + i + "/url", a.url(), 2048);
            if (a.size() != null && a.size() < 0) {
                errors.add(pointer + "/" + i + "/size", "must not be negative");
            }
            result.add(new Attachment(name, type, a.size(), url));
        }
        return result;
    }
}
