package io.clientele.service.assignment.api;

import java.net.URI;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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

import io.clientele.platform.http.ETags;
import io.clientele.platform.http.Params;
import io.clientele.platform.http.RequestIds;
import io.clientele.platform.idempotency.Idempotency;
import io.clientele.platform.json.MergePatcher;
import io.clientele.platform.paging.PageRequest;
import io.clientele.platform.paging.Pager;
import io.clientele.platform.query.FieldType;
import io.clientele.platform.query.QueryField;
import io.clientele.platform.query.QuerySchema;
import io.clientele.platform.security.CallerContext;
import io.clientele.service.assignment.AssignmentConfig;
import io.clientele.service.assignment.AssignmentRule;
import io.clientele.service.assignment.AssignmentViews;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** Assignment rules: conditions on new tickets that route them to a team and a strategy. */
@Path("/v1/assignment-rules")
@Produces(MediaType.APPLICATION_JSON)
public class AssignmentRuleResource {

    static final QuerySchema<AssignmentRule> SCHEMA = QuerySchema.<AssignmentRule>builder()
            .idField("id", "id", r -> r.id)
            .field(QueryField.<AssignmentRule>of("name", "name", FieldType.STRING).sortable(r -> r.name))
            .sortableField("position", "position", FieldType.NUMBER, r -> (long) r.position)
            .field("teamId", "team_id", FieldType.UUID)
            .field("enabled", "enabled", FieldType.BOOLEAN)
            .sortableField("createdAt", "created_at", FieldType.INSTANT, r -> r.createdAt)
            .build();

    private final AssignmentConfig config;
    private final CallerContext callers;
    private final Idempotency idempotency;
    private final Pager pager;
    private final MergePatcher patcher;

    AssignmentRuleResource(AssignmentConfig config, CallerContext callers, Idempotency idempotency, Pager pager,
            MergePatcher patcher) {
        this.config = config;
        this.callers = callers;
        this.idempotency = idempotency;
        this.pager = pager;
        this.patcher = patcher;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("service:configure")
    public Uni<Response> create(AssignmentInputs.RuleInput body, @HeaderParam(Idempotency.HEADER) String key,
            HttpServerRequest request) {
        Params.requireBody(body);
        var draft = body.toDraft();
        return callers.current().chain(caller -> idempotency.run(caller, key, "POST /v1/assignment-rules", body,
                () -> config.createRule(caller, RequestIds.of(request), draft)
                        .map(r -> Response.created(URI.create("/v1/assignment-rules/" + r.id))
                                .tag(ETags.tag(r.version)).entity(AssignmentViews.rule(r)).build())));
    }

    @GET
    @PermissionsAllowed("tickets:read")
    public Uni<Response> list(@QueryParam("filter") String filter, @QueryParam("sort") String sort,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        PageRequest<AssignmentRule> page = pager.request("assignment-rules", SCHEMA, filter, sort, "position", limit,
                cursor);
        return callers.current().chain(caller -> config.rules(caller, page.where(), page.orderBy(), page.fetchSize()))
                .map(rows -> Response.ok(pager.body(page, rows, AssignmentViews::rule)).build());
    }

    @GET
    @Path("/{id}")
    @PermissionsAllowed("tickets:read")
    public Uni<Response> get(@PathParam("id") String id) {
        UUID uuid = Params.uuid(id);
        return callers.current().chain(caller -> config.rule(caller, uuid))
                .map(r -> Response.ok(AssignmentViews.rule(r)).tag(ETags.tag(r.version)).build());
    }

    @PATCH
    @Path("/{id}")
    @Consumes("application/merge-patch+json")
    @PermissionsAllowed("service:configure")
    public Uni<Response> update(@PathParam("id") String id, String body,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        JsonNode patch = patcher.parse(body);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current()
                .chain(caller -> config.updateRule(caller, RequestIds.of(request), uuid, precondition,
                        current -> patcher.apply(AssignmentInputs.patchable(current), patch,
                                AssignmentInputs.RuleInput.class).toDraft()))
                .map(r -> Response.ok(AssignmentViews.rule(r)).tag(ETags.tag(r.version)).build());
    }

    @DELETE
    @Path("/{id}")
    @PermissionsAllowed("service:configure")
    public Uni<Response> delete(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current().chain(caller -> config.deleteRule(caller, RequestIds.of(request), uuid, precondition))
                .replaceWith(Response.noContent().build());
    }
}
