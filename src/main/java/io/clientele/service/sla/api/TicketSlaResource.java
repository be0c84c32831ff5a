package io.clientele.service.sla.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.clientele.platform.http.Params;
import io.clientele.platform.security.CallerContext;
import io.clientele.service.sla.SlaClock;
import io.clientele.service.sla.SlaClocks;
import io.clientele.service.tickets.TicketService;
import io.clientele.service.tickets.api.TicketScopes;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;

/** A ticket's SLA state: {@code GET /v1/tickets/{id}/sla}: the policy that applies since when, and its clocks. */
@Path("/v1/tickets/{id}/sla")
@Produces(MediaType.APPLICATION_JSON)
public class TicketSlaResource {

    private final TicketService tickets;
    private final TicketScopes scopes;
    private final SlaClocks clocks;
    private final CallerContext callers;

    TicketSlaResource(TicketService tickets, TicketScopes scopes, SlaClocks clocks, CallerContext callers) {
        this.tickets = tickets;
        this.scopes = scopes;
        this.clocks = clocks;
        this.callers = callers;
    }

    @GET
    @PermissionsAllowed("tickets:read")
    @WithSession
    public Uni<Response> get(@PathParam("id") String id) {
        UUID uuid = Params.uuid(id);
        Instant now = Instant.now();
        return callers.current().chain(caller -> tickets.get(caller, uuid).call(t -> scopes.checkRead(caller, t))
                .chain(t -> clocks.applied(caller.tenantId(), t.id))
                .chain(applied -> clocks.of(caller.tenantId(), uuid).chain(list -> {
                    List<Map<String, Object>> views = new ArrayList<>();
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (SlaClock c : list) {
                        chain = chain.chain(() -> clocks.hours(c.tenantId, c.calendarId)
                                .invoke(hours -> views.add(c.view(hours, now))).replaceWithVoid());
                    }
                    return chain.map(v -> {
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("ticketId", uuid.toString());
                        if (applied != null && applied.policyId() != null) {
                            body.put("policy", Map.of("id", applied.policyId().toString(),
                                    "name", applied.policyName(), "since", applied.since().toString()));
                        }
                        body.put("clocks", views);
                        return Response.ok(body).build();
                    });
                })));
    }
}
