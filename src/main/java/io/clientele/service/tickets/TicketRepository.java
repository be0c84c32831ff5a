package io.clientele.service.tickets;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.paging.PageQueries;
import io.clientele.platform.query.SqlFragment;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Ticket queries, always scoped to one tenant. */
@ApplicationScoped
public class TicketRepository implements PanacheRepositoryBase<Ticket, UUID> {

    public Uni<Ticket> find(String tenantId, UUID id) {
        return find("id = ?1 and tenantId = ?2", id, tenantId).firstResult();
    }

    /** {@code scope} is trusted SQL (e.g. the caller's visibility), {@code where} the client's filter. */
    public Uni<List<Ticket>> list(String tenantId, String scope, SqlFragment where, String orderBy, int limit) {
        return PageQueries.fetch(Ticket.class, "ticket", tenantId, scope, where, orderBy, limit);
    }

    public Uni<List<TicketMessage>> messages(String tenantId, UUID ticketId, SqlFragment where, String orderBy,
            int limit) {
        return PageQueries.fetch(TicketMessage.class, "ticket_message", tenantId,
                "ticket_id = '" + ticketId + "'", where, orderBy, limit);
    }

    public Uni<Void> persistMessage(TicketMessage message) {
        return getSession().chain(session -> session.persist(message));
    }
}
