package io.clientele.service.tickets.api;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.clientele.platform.query.FieldType;
import io.clientele.platform.query.QueryField;
import io.clientele.platform.query.QuerySchema;
import io.clientele.service.tickets.MessageDirection;
import io.clientele.service.tickets.Ticket;
import io.clientele.service.tickets.TicketChannel;
import io.clientele.service.tickets.TicketMessage;
import io.clientele.service.tickets.TicketPriority;
import io.clientele.service.tickets.TicketStatus;
import io.clientele.service.tickets.TicketType;

/** What clients may filter, sort and select on tickets and their messages (docs/tickets.md). */
final class TicketQueries {

    static final QuerySchema<Ticket> SCHEMA = QuerySchema.<Ticket>builder()
            .idField("id", "id", t -> t.id)
            .field(QueryField.<Ticket>of("type", "type", FieldType.ENUM).enumValues(TicketType.API_NAMES))
            .field(QueryField.<Ticket>of("channel", "channel", FieldType.ENUM).enumValues(TicketChannel.API_NAMES))
            .field(QueryField.<Ticket>of("status", "status", FieldType.ENUM).enumValues(TicketStatus.API_NAMES)
                    .sortable(t -> t.status))
            .field(QueryField.<Ticket>of("priority", "priority", FieldType.ENUM)
                    .enumValues(TicketPriority.API_NAMES))
            .field(QueryField.<Ticket>of("subject", "subject", FieldType.STRING).sortable(t -> t.subject))
            .field("customerId", "requester_id", FieldType.UUID)
            .field("assigneeId", "assignee_id", FieldType.STRING)
            .field("teamId", "team_id", FieldType.UUID)
            .field(QueryField.<Ticket>of("tag", "tags", FieldType.ARRAY)
                    .normalizer(v -> v.strip().toLowerCase(Locale.ROOT)))
            .sortableField("createdAt", "created_at", FieldType.INSTANT, t -> t.createdAt)
            .sortableField("updatedAt", "updated_at", FieldType.INSTANT, t -> t.updatedAt)
            .jsonAttributes("attributes", "attributes")
            .build();

    static final QuerySchema<TicketMessage> MESSAGES = QuerySchema.<TicketMessage>builder()
            .idField("id", "id", m -> m.id)
            .field(QueryField.<TicketMessage>of("direction", "direction", FieldType.ENUM)
                    .enumValues(MessageDirection.API_NAMES))
            .sortableField("createdAt", "created_at", FieldType.INSTANT, m -> m.createdAt)
            .build();


    static final Set<String> FIELDS = new LinkedHashSet<>(List.of("id", "type", "channel", "priority", "status",
            "subject", "customerId", "assigneeId", "teamId", "tags", "attributes", "assignment", "version",
            "createdAt", "updatedAt", "lastMessageAt", "solvedAt", "closedAt"));

    private TicketQueries() {
    }
}
