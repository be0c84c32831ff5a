package io.clientele.sales.api;

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

import io.clientele.platform.http.ETags;
import io.clientele.platform.http.Params;
import io.clientele.platform.http.RequestIds;
import io.clientele.platform.idempotency.Idempotency;
import io.clientele.platform.json.MergePatcher;
import io.clientele.platform.paging.PageRequest;
import io.clientele.platform.paging.Pager;
import io.clientele.platform.security.CallerContext;
import io.clientele.sales.api.SalesInputs.ActivityInput;
import io.clientele.sales.domain.Activity;
import io.clientele.sales.domain.ActivityService;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** REST edge of activities and tasks: {@code /v1/activities}. */
@Path("/v1/activities")
@Produces(MediaType.APPLICATION_JSON)
public class ActivityResource {

    private final ActivityService activities;
    private final SalesMapper mapper;
    private final CallerContext callers;
    private final Idempotency idempotency;
    private final Pager pager;
    private final MergePatcher patcher;

    ActivityResource(ActivityService activities, SalesMapper mapper, CallerContext callers, Idempotency idempotency,
            Pager pager, MergePatcher patcher) {
        this.activities = activities;
        this.mapper = mapper;
        this.callers = callers;
        this.idempotency = idempotency;
        this.pager = pager;
        this.patcher = patcher;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("activities:write")
    public Uni<Response> create(ActivityInput body, @HeaderParam(Idempotency.HEADER) String key,
            HttpServerRequest request) {
        Params.requireBody(body);
        return callers.current().chain(caller -> {
            var draft = mapper.activity(body, caller.subject());
            return idempotency.run(caller, key, "POST /v1/activities", body,
                    () -> activities.create(caller, RequestIds.of(request), draft).map(this::created));
        });
    }

    private Response created(Activity a) {
        return Response.created(URI.create("/v1/activities/" + a.id)).tag(ETags.tag(a.version))
                .entity(ActivityService.view(a)).build();
    }

    @GET
    @PermissionsAllowed("activities:read")
    public Uni<Response> list(@QueryParam("filter") String filter, @QueryParam("sort") String sort,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        PageRequest<Activity> page = pager.request("activities", SalesQueries.ACTIVITIES, filter, sort, "-occurredAt",
                limit, cursor);
        return callers.current()
                .chain(caller -> activities.list(caller, page.where(), page.orderBy(), page.fetchSize()))
                .map(rows -> Response.ok(pager.body(page, rows, ActivityService::view)).build());
    }

    @GET
    @Path("/{id}")
    @PermissionsAllowed("activities:read")
    public Uni<Response> get(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        UUID uuid = Params.uuid(id);
        return callers.current().chain(caller -> activities.get(caller, uuid)).map(a -> {
            return ETags.read(ifNoneMatch, a.version, () -> ActivityService.view(a));
        });
    }

    /** Edits an activity; a task is completed with {@code {"status": "done"}}. */
    @PATCH
    @Path("/{id}")
    @Consumes(PipelineResource.MERGE_PATCH)
    @PermissionsAllowed("activities:write")
    public Uni<Response> update(@PathParam("id") String id, String body,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        var patch = patcher.parse(body);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current().chain(caller -> activities.update(caller, RequestIds.of(request), uuid,
                precondition, current -> mapper.activity(mapper.patchActivity(writable(current), patch),
                        current.ownerId())))
                .map(a -> Response.ok(ActivityService.view(a)).tag(ETags.tag(a.version)).build());
    }

    private static java.util.Map<String, Object> writable(io.clientele.sales.domain.ActivityDraft d) {
        java.util.Map<String, Object> w = new java.util.LinkedHashMap<>();
        w.put("type", d.type());
        w.put("customerId", d.customerId().toString());
        w.put("opportunityId", d.opportunityId() == null ? null : d.opportunityId().toString());
        w.put("subject", d.subject());
        w.put("body", d.body());
        w.put("occurredAt", d.occurredAt().toString());
        w.put("ownerId", d.ownerId());
        if ("task".equals(d.type())) {
            w.put("dueAt", d.dueAt() == null ? null : d.dueAt().toString());
            w.put("assigneeId", d.assigneeId());
            w.put("status", d.status());
        }
        return w;
    }

    @DELETE
    @Path("/{id}")
    @PermissionsAllowed("activities:write")
    public Uni<Response> delete(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current()
                .chain(caller -> activities.delete(caller, RequestIds.of(request), uuid, precondition))
                .replaceWith(Response.noContent().build());
    }
}
