package io.clientele.service.tickets;

import java.util.List;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** Called by TicketService inside the same transaction, for every CDI bean implementing it. */
public interface TicketListener {
    default Uni<Void> created(Ticket ticket) { return Uni.createFrom().voidItem(); }
    default Uni<Void> statusChanged(Ticket ticket, TicketStatus from, TicketStatus to) { return Uni.createFrom().voidItem(); }
    default Uni<Void> messageAdded(Ticket ticket, TicketMessage message) { return Uni.createFrom().voidItem(); }
    default Uni<Void> assigned(Ticket ticket) { return Uni.createFrom().voidItem(); }
    /** Fields of the ticket were edited (API names, e.g. priority, type); status changes come separately. */
    default Uni<Void> updated(Ticket ticket, java.util.List<String> changedFields) { return Uni.createFrom().voidItem(); }

    /**
     * The calls of one bulk write ({@link TicketBatch}), in the order the changes happened, each with the
     * ticket as it was at that point. By default one call at a time; override to do the work set-based.
     */
    default Uni<Void> batch(List<Call> calls) {
        // A Multi, not a chain of Unis: calls that complete at once would nest one call per ticket on the stack.
        return Multi.createFrom().iterable(calls).onItem().transformToUniAndConcatenate(this::dispatch)
                .collect().last().replaceWithVoid();
    }

    /** Makes one call of a batch the way TicketService would have made it. */
    default Uni<Void> dispatch(Call call) {
        if (call instanceof Created c) {
            return created(c.ticket());
        }
        if (call instanceof MessageAdded m) {
            return messageAdded(m.ticket(), m.message());
        }
        if (call instanceof StatusChanged s) {
            return statusChanged(s.ticket(), s.from(), s.to());
        }
        return assigned(call.ticket());
    }

    /** One listener call of a bulk write; {@code fresh} when the ticket was created by the same batch. */
    sealed interface Call permits Created, MessageAdded, Assigned, StatusChanged {
        Ticket ticket();
    }

    record Created(Ticket ticket) implements Call {
    }

    record MessageAdded(Ticket ticket, TicketMessage message, boolean fresh) implements Call {
    }

    record Assigned(Ticket ticket) implements Call {
    }

    record StatusChanged(Ticket ticket, TicketStatus from, TicketStatus to) implements Call {
    }
}
