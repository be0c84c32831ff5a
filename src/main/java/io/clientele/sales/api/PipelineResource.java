package io.clientele.sales.api;

import java.net.URI;
import java.util.List;
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

import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ValidationErrors;
import io.clientele.platform.http.ETags;
import io.clientele.platform.http.Params;
import io.clientele.platform.http.RequestIds;
import io.clientele.platform.idempotency.Idempotency;
import io.clientele.platform.json.MergePatcher;
import io.clientele.platform.paging.PageRequest;
import io.clientele.platform.paging.Pager;
import io.clientele.platform.security.CallerContext;
import io.clientele.sales.api.SalesInputs.PipelineInput;
import io.clientele.sales.api.SalesInputs.StageInput;
import io.clientele.sales.domain.Pipeline;
import io.clientele.sales.domain.PipelineService;
import io.clientele.sales.domain.SalesScopes;
import io.clientele.sales.domain.Stage;
import io.clientele.sales.funnel.Funnel;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** REST edge of pipelines and their stages: {@code /v1/pipelines}. */
@Path("/v1/pipelines")
@Produces(MediaType.APPLICATION_JSON)
public class PipelineResource {

    static final String MERGE_PATCH = "application/merge-patch+json";

    private final PipelineService pipelines;
    private final SalesMapper mapper;
    private final CallerContext callers;
    private final Idempotency idempotency;
    private final Pager pager;
    private final MergePatcher patcher;
    private final Funnel funnel;
    private final SalesScopes scopes;

    PipelineResource(PipelineService pipelines, SalesMapper mapper, CallerContext callers, Idempotency idempotency,
            Pager pager, MergePatcher patcher, Funnel funnel, SalesScopes scopes) {
        this.funnel = funnel;
        this.scopes = scopes;
        this.pipelines = pipelines;
        this.mapper = mapper;
        this.callers = callers;
        this.idempotency = idempotency;
        this.pager = pager;
        this.patcher = patcher;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("pipelines:write")
    public Uni<Response> create(PipelineInput body, @HeaderParam(Idempotency.HEADER) String key,
            HttpServerRequest request) {
        Params.requireBody(body);
        ValidationErrors errors = new ValidationErrors();
        String name = mapper.pipelineName(errors, body.name());
        List<Stage> stages = mapper.stages(errors, body.stages(), false);
        errors.throwIfAny();
        return callers.current().chain(caller -> idempotency.run(caller, key, "POST /v1/pipelines", body,
                () -> pipelines.create(caller, RequestIds.of(request), name, stages)
                        .map(p -> Response.created(URI.create("/v1/pipelines/" + p.id)).tag(ETags.tag(p.version))
                                .entity(PipelineService.view(p)).build())));
    }

    @GET
    @PermissionsAllowed("pipelines:read")
    public Uni<Response> list(@QueryParam("filter") String filter, @QueryParam("sort") String sort,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        PageRequest<Pipeline> page = pager.request("pipelines", SalesQueries.PIPELINES, filter, sort, "createdAt",
                limit, cursor);
        return callers.current()
                .chain(caller -> pipelines.list(caller, page.where(), page.orderBy(), page.fetchSize()))
                .map(rows -> Response.ok(pager.body(page, rows, PipelineService::view)).build());
    }

    @GET
    @Path("/{id}")
    @PermissionsAllowed("pipelines:read")
    public Uni<Response> get(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        UUID uuid = Params.uuid(id);
        return callers.current().chain(caller -> pipelines.get(caller, uuid)).map(p -> {
            return ETags.read(ifNoneMatch, p.version, () -> PipelineService.view(p));
        });
    }

    /**
     * Renames the pipeline and/or edits its stages in place: {@code stages} lists every existing stage
     * by id, in the new order, with new names, probabilities, flags or thresholds.
     */
    @PATCH
    @Path("/{id}")
    @Consumes(MERGE_PATCH)
    @PermissionsAllowed("pipelines:write")
    public Uni<Response> update(@PathParam("id") String id, String body,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        var patch = patcher.parse(body);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current().chain(caller -> pipelines.get(caller, uuid).chain(current -> {
            PipelineInput input = mapper.patchPipeline(PipelineService.view(current), patch);
            ValidationErrors errors = new ValidationErrors();
            String name = mapper.pipelineName(errors, input.name());
            List<Stage> stages = patch.has("stages") ? mapper.stages(errors, input.stages(), true) : null;
            errors.throwIfAny();
            return pipelines.update(caller, RequestIds.of(request), uuid, precondition, name, stages);
        })).map(p -> Response.ok(PipelineService.view(p)).tag(ETags.tag(p.version)).build());
    }

    @DELETE
    @Path("/{id}")
    @PermissionsAllowed("pipelines:write")
    public Uni<Response> delete(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current().chain(caller -> pipelines.delete(caller, RequestIds.of(request), uuid, precondition))
                .replaceWith(Response.noContent().build());
    }

    /** Adds a stage at {@code position} (0-based; default: last). Answers the whole pipeline. */
    @POST
    @Path("/{id}/stages")
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("pipelines:write")
    public Uni<Response> addStage(@PathParam("id") String id, StageInput body,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, @HeaderParam(Idempotency.HEADER) String key,
            HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        Params.requireBody(body);
        var precondition = ETags.requireIfMatch(ifMatch);
        ValidationErrors errors = new ValidationErrors();
        if (body.id() != null) {
            errors.add("/id", "stage ids are assigned by the server");
        }
        if (body.position() != null && body.position() < 0) {
            errors.add("/position", "must be 0 or more");
        }
        Stage stage = mapper.stage(errors, "", body, UUID.randomUUID());
        errors.throwIfAny();
        return callers.current().chain(caller -> idempotency.run(caller, key, "POST /v1/pipelines/" + uuid
                + "/stages", body, () -> pipelines.addStage(caller, RequestIds.of(request), uuid, precondition, stage,
                        body.position())
                        .map(p -> Response.created(URI.create("/v1/pipelines/" + p.id)).tag(ETags.tag(p.version))
                                .entity(PipelineService.view(p)).build())));
    }

    /**
     * Deletes a stage; when opportunities are in it, {@code moveTo} names the stage they move to
     * (409 without it). Answers the pipeline after the change.
     */
    @DELETE
    @Path("/{id}/stages/{stageId}")
    @PermissionsAllowed("pipelines:write")
    public Uni<Response> deleteStage(@PathParam("id") String id, @PathParam("stageId") String stageId,
            @QueryParam("moveTo") String moveTo, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        UUID stage = Params.uuid(stageId);
        UUID target = null;
        if (moveTo != null) {
            try {
                target = UUID.fromString(moveTo);
            } catch (IllegalArgumentException e) {
                throw ProblemException.invalidParameter("moveTo must be a stage id (UUID)");
            }
        }
        var precondition = ETags.requireIfMatch(ifMatch);
        UUID to = target;
        return callers.current()
                .chain(caller -> pipelines.deleteStage(caller, RequestIds.of(request), uuid, precondition, stage, to))
                .map(p -> Response.ok(PipelineService.view(p)).tag(ETags.tag(p.version)).build());
    }

    /** Funnel analytics of the pipeline (see Funnel): counts, amounts, conversion, time in stage, win rate. */
    @GET
    @Path("/{id}/funnel")
    @PermissionsAllowed("opportunities:read")
    public Uni<Response> funnel(@PathParam("id") String id, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("ownerId") String ownerId, @QueryParam("teamId") String teamId,
            @QueryParam("tag") String tag) {
        UUID uuid = Params.uuid(id);
        java.time.Instant start = SalesParams.instantOrDate("from", from);
        java.time.Instant end = SalesParams.instantOrDate("to", to);
        UUID team = teamId == null ? null : SalesParams.uuid("teamId", teamId);
        String tagName = tag == null || tag.isBlank() ? null : tag.strip().toLowerCase(java.util.Locale.ROOT);
        return callers.current().chain(caller -> pipelines.get(caller, uuid).chain(pipeline -> scopes
                .scope(caller, SalesScopes.OPPORTUNITIES)
                .chain(scope -> (team == null ? Uni.createFrom().<java.util.Set<String>>nullItem()
                        : scopes.teamMembers(caller, team))
                        .chain(members -> funnel.compute(new Funnel.Selection(caller.tenantId(), pipeline, start, end,
                                ownerId, members, tagName, scope.on("o.owner_id")))))))
                .map(body -> Response.ok(body).build());
    }
}
