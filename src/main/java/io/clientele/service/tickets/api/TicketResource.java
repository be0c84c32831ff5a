package io.clientele.service.tickets.api;

import java.net.URI;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.platform.history.ChangeSource;
import io.clientele.platform.history.HistoryEntry;
import io.clientele.platform.history.HistoryPages;
import io.clientele.platform.http.ETags;
import io.clientele.platform.http.Params;
import io.clientele.platform.http.RequestIds;
import io.clientele.platform.http.SparseFields;
import io.clientele.platform.idempotency.Idempotency;
import io.clientele.platform.json.MergePatcher;
import io.clientele.platform.paging.PageRequest;
import io.clientele.platform.paging.Pager;
import io.clientele.platform.security.CallerContext;
import io.clientele.service.assignment.AssignmentService;
import io.clientele.service.tickets.NewMessage;
import io.clientele.service.tickets.Ticket;
import io.clientele.service.tickets.TicketDraft;
import io.clientele.service.tickets.TicketMessage;
import io.clientele.service.tickets.TicketService;
import io.clientele.service.tickets.TicketView;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** REST edge of tickets: {@code /v1/tickets} as specified in openapi/openapi.yaml. */
@Path("/v1/tickets")
@Produces(MediaType.APPLICATION_JSON)
public class TicketResource {

    static final String MERGE_PATCH = "application/merge-patch+json";

    private final TicketService tickets;
    private final AssignmentService assignment;
    private final CallerContext callers;
    private final Idempotency idempotency;
    private final Pager pager;
    private final ObjectMapper json;
    private final MergePatcher patcher;
    private final TicketScopes scopes;

    TicketResource(TicketService tickets, AssignmentService assignment, CallerContext callers,
            Idempotency idempotency, Pager pager, ObjectMapper json, MergePatcher patcher, TicketScopes scopes) {
        this.tickets = tickets;
        this.assignment = assignment;
        this.callers = callers;
        this.idempotency = idempotency;
        this.pager = pager;
        this.json = json;
        this.patcher = patcher;
        this.scopes = scopes;
    }

    /** Creates a ticket; without an assignee or team the assignment rules route it. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("tickets:write")
    public Uni<Response> create(TicketInput body, @HeaderParam(Idempotency.HEADER) String key,
            HttpServerRequest request) {
        Params.requireBody(body);
        TicketDraft draft = TicketMapper.toDraft(body);
        String requestId = RequestIds.of(request);
        return callers.current().chain(caller -> idempotency.run(caller, key, "POST /v1/tickets", body, () -> {
            NewMessage first = body.message() == null ? null
                    : TicketMapper.toMessage(body.message(), draft.channel(), caller.subject(), "/message");
            return tickets.create(caller, requestId, ChangeSource.API, draft, first)
                    .chain(t -> t.assigneeId == null && t.teamId == null
                            ? assignment.route(caller, requestId, ChangeSource.API, t)
                            : Uni.createFrom().item(t))
                    .map(t -> Response.created(location(t.id)).tag(ETags.tag(t.version)).entity(TicketView.of(t))
                            .build());
        }));
    }

    @GET
    @PermissionsAllowed("tickets:read")
    public Uni<Response> list(@QueryParam("filter") String filter, @QueryParam("sort") String sort,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
            @QueryParam("fields") String fields) {
        SparseFields sparse = SparseFields.parse(fields, TicketQueries.FIELDS);
        PageRequest<Ticket> page = pager.request("tickets", TicketQueries.SCHEMA, filter, sort, "-createdAt", limit,
                cursor);
        return callers.current().chain(caller -> scopes.listScope(caller)
                .chain(scope -> tickets.list(caller, "TRUE", page.where().and(scope), page.orderBy(),
                        page.fetchSize())))
                .map(rows -> Response.ok(pager.body(page, rows,
                        t -> sparse.apply(json.valueToTree(TicketView.of(t))))).build());
    }

    @GET
    @Path("/{id}")
    @PermissionsAllowed("tickets:read")
    public Uni<Response> get(@PathParam("id") String id, @QueryParam("fields") String fields,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        UUID uuid = Params.uuid(id);
        SparseFields sparse = SparseFields.parse(fields, TicketQueries.FIELDS);
        return callers.current().chain(caller -> tickets.get(caller, uuid).call(t -> scopes.checkRead(caller, t)))
                .map(t -> {
                    return ETags.read(ifNoneMatch, t.version,
                            () -> sparse.all() ? TicketView.of(t) : sparse.apply(json.valueToTree(TicketView.of(t))));
                });
    }

    /** JSON merge patch of the editable fields, status included (only valid transitions). */
    @PATCH
    @Path("/{id}")
    @Consumes(MERGE_PATCH)
    @PermissionsAllowed("tickets:write")
    public Uni<Response> update(@PathParam("id") String id, String body,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        JsonNode patch = patcher.parse(body);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current()
                .chain(caller -> tickets.get(caller, uuid).call(t -> scopes.checkRead(caller, t))
                        .chain(() -> tickets.update(caller, RequestIds.of(request), uuid, precondition,
                                current -> TicketMapper.afterPatch(current,
                                        patcher.apply(TicketMapper.patchable(current), patch, TicketInput.class)))))
                .map(t -> Response.ok(TicketView.of(t)).tag(ETags.tag(t.version)).build());
    }

    @POST
    @Path("/{id}/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("tickets:write")
    public Uni<Response> addMessage(@PathParam("id") String id, TicketInput.MessageInput body,
            @HeaderParam(Idempotency.HEADER) String key, HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        Params.requireBody(body);
        String requestId = RequestIds.of(request);
        return callers.current().chain(caller -> idempotency.run(caller, key, "POST /v1/tickets/" + uuid + "/messages",
                body, () -> tickets.get(caller, uuid).call(t -> scopes.checkRead(caller, t)).chain(t -> {
                    NewMessage message = TicketMapper.toMessage(body, t.channel(), caller.subject(), "");
                    return tickets.addMessage(caller, requestId, uuid, message);
                }).map(m -> Response.created(URI.create("/v1/tickets/" + uuid + "/messages/" + m.id))
                        .entity(TicketView.Message.of(m)).build())));
    }

    @GET
    @Path("/{id}/messages")
    @PermissionsAllowed("tickets:read")
    public Uni<Response> messages(@PathParam("id") String id, @QueryParam("filter") String filter,
            @QueryParam("sort") String sort, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        UUID uuid = Params.uuid(id);
        PageRequest<TicketMessage> page = pager.request("ticket-messages:" + uuid, TicketQueries.MESSAGES, filter,
                sort, "createdAt", limit, cursor);
        return callers.current()
                .chain(caller -> tickets.get(caller, uuid).call(t -> scopes.checkRead(caller, t))
                        .chain(() -> tickets.messages(caller, uuid, page.where(), page.orderBy(), page.fetchSize())))
                .map(rows -> Response.ok(pager.body(page, rows, TicketView.Message::of)).build());
    }

    @GET
    @Path("/{id}/history")
    @PermissionsAllowed("tickets:read")
    public Uni<Response> history(@PathParam("id") String id, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        UUID uuid = Params.uuid(id);
        PageRequest<HistoryEntry> page = pager.request("ticket-history:" + uuid, HistoryPages.SCHEMA, null, null,
                "-id", limit, cursor);
        return callers.current()
                .chain(caller -> tickets.get(caller, uuid).call(t -> scopes.checkRead(caller, t))
                        .chain(() -> tickets.history(caller, uuid, page.where(), page.orderBy(), page.fetchSize())))
                .map(rows -> Response.ok(pager.body(page, rows, HistoryPages::view)).build());
    }


    private static URI location(UUID id) {
        return URI.create("/v1/tickets/" + id);
    }
}
