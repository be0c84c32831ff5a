package io.clientele.sales.api;

import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

import com.fasterxml.jackson.databind.ObjectMapper;

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
import io.clientele.sales.api.SalesInputs.OpportunityInput;
import io.clientele.sales.domain.OpportunityService;
import io.clientele.sales.domain.OpportunityService.Loaded;
import io.clientele.sales.domain.SalesScopes;
import io.clientele.sales.scoring.WinModels;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** REST edge of opportunities: {@code /v1/opportunities}. */
@Path("/v1/opportunities")
@Produces(MediaType.APPLICATION_JSON)
public class OpportunityResource {

    private final OpportunityService opportunities;
    private final SalesMapper mapper;
    private final CallerContext callers;
    private final Idempotency idempotency;
    private final Pager pager;
    private final MergePatcher patcher;
    private final ObjectMapper json;
    private final WinModels models;
    private final SalesScopes scopes;

    OpportunityResource(OpportunityService opportunities, SalesMapper mapper, CallerContext callers,
            Idempotency idempotency, Pager pager, MergePatcher patcher, ObjectMapper json, WinModels models,
            SalesScopes scopes) {
        this.models = models;
        this.scopes = scopes;
        this.opportunities = opportunities;
        this.mapper = mapper;
        this.callers = callers;
        this.idempotency = idempotency;
        this.pager = pager;
        this.patcher = patcher;
        this.json = json;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("opportunities:write")
    public Uni<Response> create(OpportunityInput body, @HeaderParam(Idempotency.HEADER) String key,
            HttpServerRequest request) {
        Params.requireBody(body);
        return callers.current().chain(caller -> {
            var draft = mapper.opportunity(body, caller.subject());
            return idempotency.run(caller, key, "POST /v1/opportunities", body,
                    () -> opportunities.create(caller, RequestIds.of(request), draft)
                            .map(l -> Response.created(URI.create("/v1/opportunities/" + l.opportunity().id))
                                    .tag(ETags.tag(l.opportunity().version)).entity(l.view()).build()));
        });
    }

    @GET
    @PermissionsAllowed("opportunities:read")
    public Uni<Response> list(@QueryParam("filter") String filter, @QueryParam("sort") String sort,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
            @QueryParam("fields") String fields) {
        SparseFields sparse = SparseFields.parse(fields, SalesQueries.OPPORTUNITY_FIELDS);
        PageRequest<Loaded> page = pager.request("opportunities", SalesQueries.OPPORTUNITIES, filter, sort,
                "createdAt", limit, cursor);
        return callers.current()
                .chain(caller -> opportunities.list(caller, page.where(), page.orderBy(), page.fetchSize()))
                .map(rows -> Response.ok(pager.body(page, rows, l -> sparse.all() ? l.view()
                        : sparse.apply(json.valueToTree(l.view())))).build());
    }

    @GET
    @Path("/{id}")
    @PermissionsAllowed("opportunities:read")
    public Uni<Response> get(@PathParam("id") String id, @QueryParam("fields") String fields,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        UUID uuid = Params.uuid(id);
        SparseFields sparse = SparseFields.parse(fields, SalesQueries.OPPORTUNITY_FIELDS);
        return callers.current().chain(caller -> opportunities.get(caller, uuid)).map(l -> {
            return ETags.read(ifNoneMatch, l.opportunity().version,
                    () -> sparse.all() ? l.view() : sparse.apply(json.valueToTree(l.view())));
        });
    }

    /** Changes fields; a new {@code stageId} (and {@code pipelineId}) moves the opportunity. */
    @PATCH
    @Path("/{id}")
    @Consumes(PipelineResource.MERGE_PATCH)
    @PermissionsAllowed("opportunities:write")
    public Uni<Response> update(@PathParam("id") String id, String body,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        var patch = patcher.parse(body);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current().chain(caller -> opportunities.update(caller, RequestIds.of(request), uuid,
                precondition, current -> mapper.opportunity(mapper.patchOpportunity(
                        SalesViews.writable(current), patch), current.ownerId())))
                .map(l -> Response.ok(l.view()).tag(ETags.tag(l.opportunity().version)).build());
    }

    @DELETE
    @Path("/{id}")
    @PermissionsAllowed("opportunities:delete")
    public Uni<Response> delete(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current()
                .chain(caller -> opportunities.delete(caller, RequestIds.of(request), uuid, precondition))
                .replaceWith(Response.noContent().build());
    }

    @GET
    @Path("/{id}/history")
    @PermissionsAllowed("opportunities:read")
    public Uni<Response> history(@PathParam("id") String id, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        UUID uuid = Params.uuid(id);
        PageRequest<HistoryEntry> page = pager.request("opportunity-history:" + uuid, HistoryPages.SCHEMA, null,
                null, "-id", limit, cursor);
        return callers.current()
                .chain(caller -> opportunities.history(caller, uuid, page.where(), page.orderBy(), page.fetchSize()))
                .map(rows -> Response.ok(pager.body(page, rows, HistoryPages::view)).build());
    }

    /** The win probability with its top factors, or the stage default and why (see WinModels). */
    @GET
    @Path("/{id}/win-probability")
    @PermissionsAllowed("opportunities:read")
    public Uni<Response> score(@PathParam("id") String id) {
        UUID uuid = Params.uuid(id);
        return callers.current().chain(caller -> scopes.scope(caller, SalesScopes.OPPORTUNITIES)
                .chain(scope -> models.score(caller.tenantId(), uuid, scope)))
                .map(body -> Response.ok(body).build());
    }

    /** Every stay of the opportunity in a stage, oldest first, with entered and exited times. */
    @GET
    @Path("/{id}/stage-history")
    @PermissionsAllowed("opportunities:read")
    public Uni<Response> stageHistory(@PathParam("id") String id) {
        UUID uuid = Params.uuid(id);
        return callers.current().chain(caller -> opportunities.stagePeriods(caller, uuid)).map(rows -> {
            List<Map<String, Object>> items = new ArrayList<>();
            for (Object[] row : rows) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("stageId", row[0]);
                item.put("pipelineId", row[1]);
                item.put("enteredAt", time(row[2]));
                item.put("exitedAt", time(row[3]));
                item.put("actor", row[4]);
                items.add(item);
            }
            return Response.ok(Map.of("items", items)).build();
        });
    }

    static String time(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof OffsetDateTime odt) {
            return odt.withOffsetSameInstant(ZoneOffset.UTC).toInstant().toString();
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant().toString();
        }
        return value.toString();
    }

}
