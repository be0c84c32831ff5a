package io.clientele.service.kb.api;

import java.util.Map;
import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.clientele.platform.http.Params;
import io.clientele.platform.security.CallerContext;
import io.clientele.service.kb.KnowledgeBase;
import io.clientele.service.tickets.TicketService;
import io.clientele.service.tickets.api.TicketScopes;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;

/** Knowledge-base articles for a ticket, from its subject and the customer's messages. */
@Path("/v1/tickets/{id}/suggestions")
@Produces(MediaType.APPLICATION_JSON)
public class TicketSuggestionResource {

    /** Inbound text beyond this is not read: the start of a thread says what it is about. */
    static final int MAX_TEXT = 20_000;

    private final TicketService tickets;
    private final TicketScopes scopes;
    private final KnowledgeBase kb;
    private final CallerContext callers;

    TicketSuggestionResource(TicketService tickets, TicketScopes scopes, KnowledgeBase kb, CallerContext callers) {
        this.tickets = tickets;
        this.scopes = scopes;
        this.kb = kb;
        this.callers = callers;
    }

    @GET
    @PermissionsAllowed({ "tickets:read" })
    public Uni<Response> suggest(@PathParam("id") String id, @QueryParam("limit") String limit,
            @QueryParam("locale") String locale) {
        UUID uuid = Params.uuid(id);
        int size = Params.intBetween("limit", limit, 5, 1, 20);
        io.clientele.platform.errors.ValidationErrors errors = new io.clientele.platform.errors.ValidationErrors();
        String loc = locale == null ? null : ArticleInput.locale(errors, locale);
        if (!errors.isEmpty()) {
            throw io.clientele.platform.errors.ProblemException.invalidParameter(
                    "locale: must be a BCP 47 language tag, e.g. en or zh-CN");
        }
        return callers.current().chain(caller -> Panache.withSession(() -> tickets.get(caller, uuid)
                .call(t -> scopes.checkRead(caller, t))
                .chain(t -> Panache.getSession().chain(s -> s.createNativeQuery("""
                        SELECT coalesce(string_agg(body, E'\\n' ORDER BY created_at), '') FROM (
                            SELECT body, created_at FROM ticket_message
                             WHERE tenant_id = :tenant AND ticket_id = :ticket AND direction = 'inbound'
                             ORDER BY created_at LIMIT 20) m
                        """, String.class).setParameter("tenant", caller.tenantId()).setParameter("ticket", t.id)
                        .getSingleResult())
                        .chain(text -> kb.suggest(caller, t.subject,
                                text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text, loc, size)))))
                .map(hits -> Response.ok(Map.of("items", hits.stream().map(ArticleResource::hit).toList())).build());
    }
}
