package io.clientele.service.tickets.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.platform.security.Caller;
import io.clientele.platform.timeline.TimelineEntry;
import io.clientele.platform.timeline.TimelineSource;
import io.clientele.service.tickets.Ticket;
import io.clientele.service.tickets.TicketView;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Tickets in their requester's customer timeline (kind {@code ticket}, at creation), within ticket visibility. */
@ApplicationScoped
class TicketTimeline implements TimelineSource {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final TicketScopes scopes;
    private final ObjectMapper json;

    TicketTimeline(TicketScopes scopes, ObjectMapper json) {
        this.scopes = scopes;
        this.json = json;
    }

    @Override
    public Uni<List<TimelineEntry>> entries(Caller caller, UUID customerId, Instant atOrBefore, int limit) {
        OffsetDateTime before = (atOrBefore == null ? Instant.parse("9999-12-31T00:00:00Z") : atOrBefore)
                .atOffset(ZoneOffset.UTC);
        return scopes.listScope(caller).chain(visible -> Panache.getSession().chain(session -> {
            var query = session.createNativeQuery("SELECT * FROM ticket WHERE tenant_id = :tenant"
                    + " AND requester_id = :customer AND created_at <= :before AND (" + visible.sql() + ")"
                    + " ORDER BY created_at DESC, id DESC LIMIT :limit", Ticket.class)
                    .setParameter("tenant", caller.tenantId())
                    .setParameter("customer", customerId)
                    .setParameter("before", before)
                    .setParameter("limit", limit);
            visible.params().forEach(query::setParameter);
            return query.getResultList();
        })).map(rows -> rows.stream().map(t -> new TimelineEntry("ticket", t.id.toString(), t.createdAt,
                "Ticket (" + t.channel + ", " + t.status + "): " + t.subject,
                json.convertValue(TicketView.of(t), MAP))).toList());
    }
}
