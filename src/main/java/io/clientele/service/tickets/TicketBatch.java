package io.clientele.service.tickets;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.inject.Instance;

import org.hibernate.reactive.mutiny.Mutiny;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.platform.history.ChangeSource;
import io.clientele.platform.history.History;
import io.clientele.platform.outbox.Outbox;
import io.clientele.platform.persistence.SqlStatement;
import io.clientele.platform.security.Caller;
import io.smallrye.mutiny.Uni;

/**
 * The new tickets of one bulk transaction (Kafka intake). Each ticket is changed in memory by the same code
 * TicketService uses (create, append, assign, open), and every step records what TicketService records: the
 * version a flush would give, the history entry, the event and the listener call, in the same order. Then
 * {@link #write} inserts every ticket once, in its final state, and every message, history entry and event
 * with one statement per table. Changes to tickets that existed before the batch go through TicketService.
 */
public final class TicketBatch {

    /** The version Hibernate gives a record it persists (the ETag of a new ticket before any change). */
    static final long FIRST_VERSION = 0;

    private final History history;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final Instance<TicketListener> listeners;
    private final Map<UUID, Ticket> tickets = new LinkedHashMap<>();
    private final List<TicketMessage> messages = new ArrayList<>();
    private final List<History.Row> entries = new ArrayList<>();
    private final List<Outbox.Row> events = new ArrayList<>();
    private final List<TicketListener.Call> calls = new ArrayList<>();

    TicketBatch(History history, Outbox outbox, ObjectMapper json, Instance<TicketListener> listeners) {
        this.history = history;
        this.outbox = outbox;
        this.json = json;
        this.listeners = listeners;
    }

    /** The ticket with this id when this batch created it; null otherwise. */
    public Ticket created(UUID id) {
        return tickets.get(id);
    }

    public int size() {
        return tickets.size();
    }

    /** As {@link TicketService#create} without a first message; the customer must be known to exist. */
    public Ticket create(Caller caller, String requestId, ChangeSource source, TicketDraft draft) {
        Ticket t = TicketService.newTicket(caller, draft);
        t.version = FIRST_VERSION;
        TicketView view = TicketView.of(t);
        entries.add(history.row(caller, requestId, source, TicketService.ENTITY, t.id, t.version, "create", null,
                view));
        events.add(outbox.row(caller, requestId, TicketService.event(t, "ticket.created",
                TicketService.createdData(view))));
        calls.add(new TicketListener.Created(copy(t)));
        tickets.put(t.id, t);
        return t;
    }

    /** As {@link TicketService#append}, for a ticket of this batch (new or open: nothing to reopen). */
    public TicketMessage append(Caller caller, String requestId, Ticket t, NewMessage in) {
        own(t);
        if (TicketService.reopens(t, in)) {
            throw new IllegalStateException("ticket " + t.id + " of this batch is " + t.status);
        }
        TicketMessage m = TicketService.newMessage(caller, t, in);
        m.version = FIRST_VERSION;
        t.version++; // the flush that writes the new last-message time
        messages.add(m);
        events.add(outbox.row(caller, requestId, TicketService.event(t, "ticket.message_added",
                TicketService.messageData(t, m))));
        calls.add(new TicketListener.MessageAdded(copy(t), m, true));
        return m;
    }

    /** As {@link TicketService#assign}: a new ticket given to an agent becomes open. */
    public void assign(Caller caller, String requestId, ChangeSource source, Ticket t, UUID teamId,
            String assigneeId, Map<String, Object> why) {
        own(t);
        TicketView before = TicketView.of(t);
        TicketService.setAssignment(t, teamId, assigneeId, why);
        written(caller, requestId, source, t, before);
        events.add(outbox.row(caller, requestId, TicketService.event(t, "ticket.assigned",
                TicketService.assignedData(t))));
        calls.add(new TicketListener.Assigned(copy(t)));
        if (assigneeId != null && t.status() == TicketStatus.NEW) {
            TicketView beforeOpen = TicketView.of(t);
            TicketStatus from = TicketService.setStatus(t, TicketStatus.OPEN);
            written(caller, requestId, source, t, beforeOpen);
            events.add(outbox.row(caller, requestId, TicketService.event(t, "ticket.status_changed",
                    TicketService.statusData(t, from, TicketStatus.OPEN))));
            calls.add(new TicketListener.StatusChanged(copy(t), from, TicketStatus.OPEN));
        }
    }

    /** What TicketService.written does: the flush (a new version) and the history entry. */
    private void written(Caller caller, String requestId, ChangeSource source, Ticket t, TicketView before) {
        t.touch();
        t.updatedBy = caller.subject();
        t.version++;
        entries.add(history.row(caller, requestId, source, TicketService.ENTITY, t.id, t.version, "update", before,
                TicketView.of(t)));
    }

    private void own(Ticket t) {
        if (tickets.get(t.id) != t) {
            throw new IllegalArgumentException("ticket " + t.id + " was not created by this batch");
        }
    }

    /**
     * Inserts the tickets (final state), their messages, then the history entries and events, each with one
     * statement, in the transaction of {@code session} (flushed first: the requesters it created are referenced).
     */
    public Uni<Void> write(Mutiny.Session session) {
        if (tickets.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return session.flush()
                .chain(() -> ticketRows().execute(session))
                .chain(() -> messageRows().execute(session))
                .chain(() -> history.recordAll(session, entries))
                .chain(() -> outbox.recordAll(session, events));
    }

    /** Calls every listener once with this batch's calls (after {@link #write}: they may refer to the rows). */
    public Uni<Void> notifyListeners() {
        Uni<Void> chain = Uni.createFrom().voidItem();
        if (calls.isEmpty()) {
            return chain;
        }
        List<TicketListener.Call> all = List.copyOf(calls);
        for (TicketListener listener : listeners) {
            chain = chain.chain(() -> listener.batch(all));
        }
        return chain;
    }

    private SqlStatement ticketRows() {
        int n = tickets.size();
        UUID[] ids = new UUID[n], requesters = new UUID[n], teams = new UUID[n];
        String[] tenants = new String[n], types = new String[n], channels = new String[n], priorities = new String[n],
                statuses = new String[n], subjects = new String[n], assignees = new String[n], tags = new String[n],
                attributes = new String[n], assignments = new String[n], createdBy = new String[n],
                updatedBy = new String[n];
        Long[] versions = new Long[n];
        OffsetDateTime[] createdAt = new OffsetDateTime[n], updatedAt = new OffsetDateTime[n],
                lastMessageAt = new OffsetDateTime[n], solvedAt = new OffsetDateTime[n], closedAt = new OffsetDateTime[n];
        int i = 0;
        for (Ticket t : tickets.values()) {
            ids[i] = t.id;
            tenants[i] = t.tenantId;
            types[i] = t.type;
            channels[i] = t.channel;
            priorities[i] = t.priority;
            statuses[i] = t.status;
            subjects[i] = t.subject;
            requesters[i] = t.customerId;
            assignees[i] = t.assigneeId;
            teams[i] = t.teamId;
            // As JSON: unnest would flatten a two-dimensional text array.
            tags[i] = write(Arrays.asList(t.tags));
            attributes[i] = write(t.attributes);
            assignments[i] = t.assignment == null ? null : write(t.assignment);
            versions[i] = t.version;
            createdAt[i] = at(t.createdAt);
            updatedAt[i] = at(t.updatedAt);
            createdBy[i] = t.createdBy;
            updatedBy[i] = t.updatedBy;
            lastMessageAt[i] = at(t.lastMessageAt);
            solvedAt[i] = at(t.solvedAt);
            closedAt[i] = at(t.closedAt);
            i++;
        }
        return new SqlStatement("""
                INSERT INTO ticket (id, tenant_id, type, channel, priority, status, subject, requester_id, assignee_id,
                                    team_id, tags, attributes, assignment, version, created_at, updated_at,
                                    created_by, updated_by, last_message_at, solved_at, closed_at)
                SELECT id, te, ty, ch, pr, st, su, rq, asg, tm,
                       ARRAY(SELECT jsonb_array_elements_text(tg::jsonb)), at::jsonb, an::jsonb, v, ca, ua, cb, ub,
                       lm, so, cl
                  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                              $8::uuid[], $9::text[], $10::uuid[], $11::text[], $12::text[], $13::text[], $14::int8[],
                              $15::timestamptz[], $16::timestamptz[], $17::text[], $18::text[], $19::timestamptz[],
                              $20::timestamptz[], $21::timestamptz[])
                       WITH ORDINALITY AS r(id, te, ty, ch, pr, st, su, rq, asg, tm, tg, at, an, v, ca, ua, cb, ub, lm,
                                            so, cl, n)
                 ORDER BY n
                """, new Object[] { ids, tenants, types, channels, priorities, statuses, subjects, requesters,
                assignees, teams, tags, attributes, assignments, versions, createdAt, updatedAt, createdBy, updatedBy,
                lastMessageAt, solvedAt, closedAt });
    }

    private SqlStatement messageRows() {
        int n = messages.size();
        UUID[] ids = new UUID[n], ticketIds = new UUID[n];
        String[] tenants = new String[n], directions = new String[n], channels = new String[n], bodies = new String[n],
                authors = new String[n], senders = new String[n], externalIds = new String[n],
                attachments = new String[n];
        Long[] versions = new Long[n];
        OffsetDateTime[] createdAt = new OffsetDateTime[n], updatedAt = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            TicketMessage m = messages.get(i);
            ids[i] = m.id;
            tenants[i] = m.tenantId;
            ticketIds[i] = m.ticketId;
            directions[i] = m.direction;
            channels[i] = m.channel;
            bodies[i] = m.body;
            authors[i] = m.authorId;
            senders[i] = m.sender;
            externalIds[i] = m.externalId;
            attachments[i] = write(m.attachments);
            versions[i] = m.version;
            createdAt[i] = at(m.createdAt);
            updatedAt[i] = at(m.updatedAt);
        }
        return new SqlStatement("""
                INSERT INTO ticket_message (id, tenant_id, ticket_id, direction, channel, body, author_id, sender,
                                            external_id, attachments, version, created_at, updated_at)
                SELECT id, te, tk, di, ch, bo, au, se, ex, at::jsonb, v, ca, ua
                  FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[],
                              $8::text[], $9::text[], $10::text[], $11::int8[], $12::timestamptz[], $13::timestamptz[])
                       WITH ORDINALITY AS r(id, te, tk, di, ch, bo, au, se, ex, at, v, ca, ua, n)
                 ORDER BY n
                """, new Object[] { ids, tenants, ticketIds, directions, channels, bodies, authors, senders, externalIds,
                attachments, versions, createdAt, updatedAt });
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("ticket field is not serialisable", e);
        }
    }

    private static OffsetDateTime at(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    /** The ticket as it is now, for a listener call made later. */
    private static Ticket copy(Ticket t) {
        Ticket c = new Ticket();
        c.id = t.id;
        c.tenantId = t.tenantId;
        c.version = t.version;
        c.createdAt = t.createdAt;
        c.updatedAt = t.updatedAt;
        c.type = t.type;
        c.channel = t.channel;
        c.priority = t.priority;
        c.status = t.status;
        c.subject = t.subject;
        c.customerId = t.customerId;
        c.assigneeId = t.assigneeId;
        c.teamId = t.teamId;
        c.tags = t.tags;
        c.attributes = t.attributes;
        c.assignment = t.assignment;
        c.createdBy = t.createdBy;
        c.updatedBy = t.updatedBy;
        c.lastMessageAt = t.lastMessageAt;
        c.solvedAt = t.solvedAt;
        c.closedAt = t.closedAt;
        return c;
    }
}
