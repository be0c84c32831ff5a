package io.clientele.service.tickets;

import io.smallrye.mutiny.Uni;

/** Called by TicketService inside the same transaction, for every CDI bean implementing it. */
public interface TicketListener {
    default Uni<Void> created(Ticket ticket) { return Uni.createFrom().voidItem(); }
    default Uni<Void> statusChanged(Ticket ticket, TicketStatus from, TicketStatus to) { return Uni.createFrom().voidItem(); }
    default Uni<Void> messageAdded(Ticket ticket, TicketMessage message) { return Uni.createFrom().voidItem(); }
    default Uni<Void> assigned(Ticket ticket) { return Uni.createFrom().voidItem(); }
    /** Fields of the ticket were edited (API names, e.g. priority, type); status changes come separately. */
    default Uni<Void> updated(Ticket ticket, java.util.List<String> changedFields) { return Uni.createFrom().voidItem(); }
}
