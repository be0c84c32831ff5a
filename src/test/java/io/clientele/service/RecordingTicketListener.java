package io.clientele.service;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.service.tickets.Ticket;
import io.clientele.service.tickets.TicketListener;
import io.clientele.service.tickets.TicketMessage;
import io.clientele.service.tickets.TicketStatus;
import io.smallrye.mutiny.Uni;

/** Test listener: remembers what TicketService told it, per ticket. */
@ApplicationScoped
public class RecordingTicketListener implements TicketListener {

    static final List<String> CALLS = new CopyOnWriteArrayList<>();

    @Override
    public Uni<Void> created(Ticket ticket) {
        CALLS.add(ticket.id + " created " + ticket.status);
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> statusChanged(Ticket ticket, TicketStatus from, TicketStatus to) {
        CALLS.add(ticket.id + " status " + from.apiName() + "->" + to.apiName());
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> messageAdded(Ticket ticket, TicketMessage message) {
        CALLS.add(ticket.id + " message " + message.direction);
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> assigned(Ticket ticket) {
        CALLS.add(ticket.id + " assigned " + ticket.assigneeId);
        return Uni.createFrom().voidItem();
    }

    static List<String> of(String ticketId) {
        return CALLS.stream().filter(c -> c.startsWith(ticketId + " ")).map(c -> c.substring(ticketId.length() + 1))
                .toList();
    }
}
