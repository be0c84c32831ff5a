package io.clientele.service.survey.api;

import java.net.URI;
import java.time.Instant;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.clientele.platform.errors.ValidationErrors;
import io.clientele.platform.http.Params;
import io.clientele.platform.http.RequestIds;
import io.clientele.platform.idempotency.Idempotency;
import io.clientele.platform.paging.PageRequest;
import io.clientele.platform.paging.Pager;
import io.clientele.platform.query.FieldType;
import io.clientele.platform.query.QueryField;
import io.clientele.platform.query.QuerySchema;
import io.clientele.platform.security.CallerContext;
import io.clientele.service.survey.Survey;
import io.clientele.service.survey.SurveyService;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** REST edge of CSAT surveys for staff: {@code /v1/surveys} and the CSAT report. */
@Path("/v1/surveys")
@Produces(MediaType.APPLICATION_JSON)
public class SurveyResource {

    static final QuerySchema<Survey> SCHEMA = QuerySchema.<Survey>builder()
            .idField("id", "id", s -> s.id)
            .field(QueryField.<Survey>of("ticketId", "ticket_id", FieldType.UUID))
            .field(QueryField.<Survey>of("agentId", "agent_id", FieldType.STRING))
            .field(QueryField.<Survey>of("teamId", "team_id", FieldType.STRING))
            .field(QueryField.<Survey>of("rating", "rating", FieldType.NUMBER))
            .field(QueryField.<Survey>of("answeredAt", "answered_at", FieldType.INSTANT))
            .sortableField("createdAt", "created_at", FieldType.INSTANT, s -> s.createdAt)
            .build();

    private final SurveyService surveys;
    private final CallerContext callers;
    private final Idempotency idempotency;
    private final Pager pager;

    SurveyResource(SurveyService surveys, CallerContext callers, Idempotency idempotency, Pager pager) {
        this.surveys = surveys;
        this.callers = callers;
        this.idempotency = idempotency;
        this.pager = pager;
    }

    /** Body of a manual survey creation. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record SurveyInput(String ticketId) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("surveys:write")
    public Uni<Response> create(SurveyInput body, @HeaderParam(Idempotency.HEADER) String key,
            HttpServerRequest request) {
        Params.requireBody(body);
        UUID ticket;
        try {
            ticket = UUID.fromString(String.valueOf(body.ticketId()));
        } catch (IllegalArgumentException e) {
            ValidationErrors errors = new ValidationErrors().add("/ticketId", "is required: the id of a ticket");
            errors.throwIfAny();
            throw e;
        }
        return callers.current().chain(caller -> idempotency.run(caller, key, "POST /v1/surveys", body,
                () -> surveys.create(caller, RequestIds.of(request), ticket)
                        .map(s -> Response.created(URI.create("/v1/surveys/" + s.id))
                                .entity(s.view(Instant.now(), surveys.link(s))).build())));
    }

    @GET
    @PermissionsAllowed("surveys:read")
    public Uni<Response> list(@QueryParam("filter") String filter, @QueryParam("sort") String sort,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        PageRequest<Survey> page = pager.request("surveys", SCHEMA, filter, sort, "-createdAt", limit, cursor);
        Instant now = Instant.now();
        return callers.current().chain(caller -> surveys.list(caller, page.where(), page.orderBy(), page.fetchSize()))
                .map(rows -> Response.ok(pager.body(page, rows, s -> s.view(now, surveys.link(s)))).build());
    }

    @GET
    @Path("/{id}")
    @PermissionsAllowed("surveys:read")
    public Uni<Response> get(@PathParam("id") String id) {
        UUID uuid = Params.uuid(id);
        return callers.current().chain(caller -> surveys.get(caller, uuid))
                .map(s -> Response.ok(s.view(Instant.now(), surveys.link(s))).build());
    }
}
