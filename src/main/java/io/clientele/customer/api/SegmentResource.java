package io.clientele.customer.api;

import java.net.URI;
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
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.clientele.customer.domain.Segment;
import io.clientele.customer.domain.SegmentService;
import io.clientele.platform.http.ETags;
import io.clientele.platform.http.Params;
import io.clientele.platform.http.RequestIds;
import io.clientele.platform.idempotency.Idempotency;
import io.clientele.platform.json.MergePatcher;
import io.clientele.platform.paging.PageRequest;
import io.clientele.platform.paging.Pager;
import io.clientele.platform.query.FieldType;
import io.clientele.platform.query.FilterParser;
import io.clientele.platform.query.QueryField;
import io.clientele.platform.query.QuerySchema;
import io.clientele.platform.query.SqlFilterCompiler;
import io.clientele.platform.security.CallerContext;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** REST edge of segments: saved customer filters, their live members and counts. */
@Path("/v1/segments")
@Produces(MediaType.APPLICATION_JSON)
public class SegmentResource {

    static final QuerySchema<Segment> SCHEMA = QuerySchema.<Segment>builder()
            .idField("id", "id", s -> s.id)
            .field(QueryField.<Segment>of("name", "name", FieldType.CI_STRING).sortable(s -> s.name))
            .sortableField("createdAt", "created_at", FieldType.INSTANT, s -> s.createdAt)
            .sortableField("updatedAt", "updated_at", FieldType.INSTANT, s -> s.updatedAt)
            .build();

    private final SegmentService segments;
    private final CallerContext callers;
    private final Idempotency idempotency;
    private final Pager pager;
    private final MergePatcher patcher;
    private final CustomerPages customerPages;

    SegmentResource(SegmentService segments, CallerContext callers, Idempotency idempotency, Pager pager,
            MergePatcher patcher, CustomerPages customerPages) {
        this.segments = segments;
        this.callers = callers;
        this.idempotency = idempotency;
        this.pager = pager;
        this.patcher = patcher;
        this.customerPages = customerPages;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("customers:write")
    public Uni<Response> create(SegmentInput body, @HeaderParam(Idempotency.HEADER) String key,
            HttpServerRequest request) {
        Params.requireBody(body);
        return callers.current().chain(caller -> idempotency.run(caller, key, "POST /v1/segments", body,
                () -> segments.create(caller, RequestIds.of(request), body.toDraft())
                        .map(s -> Response.created(URI.create("/v1/segments/" + s.id)).tag(etag(s))
                                .entity(s.view()).build())));
    }

    @GET
    @PermissionsAllowed("customers:read")
    public Uni<Response> list(@QueryParam("filter") String filter, @QueryParam("sort") String sort,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        PageRequest<Segment> page = pager.request("segments", SCHEMA, filter, sort, "name", limit, cursor);
        return callers.current().chain(caller -> segments.list(caller, page.where(), page.orderBy(), page.fetchSize()))
                .map(rows -> Response.ok(pager.body(page, rows, Segment::view)).build());
    }

    @GET
    @Path("/{id}")
    @PermissionsAllowed("customers:read")
    public Uni<Response> get(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        UUID uuid = Params.uuid(id);
        return callers.current().chain(caller -> segments.get(caller, uuid))
                .map(s -> ETags.read(ifNoneMatch, s.version, () -> s.view()));
    }

    @PATCH
    @Path("/{id}")
    @Consumes(CustomerResource.MERGE_PATCH)
    @PermissionsAllowed("customers:write")
    public Uni<Response> update(@PathParam("id") String id, String body,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        var patch = patcher.parse(body);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current()
                .chain(caller -> segments.update(caller, RequestIds.of(request), uuid, precondition,
                        current -> patcher.apply(new SegmentInput(current.name(), current.description(),
                                current.filter()), patch, SegmentInput.class).toDraft()))
                .map(s -> Response.ok(s.view()).tag(etag(s)).build());
    }

    @DELETE
    @Path("/{id}")
    @PermissionsAllowed("customers:delete")
    public Uni<Response> delete(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current().chain(caller -> segments.delete(caller, RequestIds.of(request), uuid, precondition))
                .replaceWith(Response.noContent().build());
    }

    /** The customers matching the segment's filter now (and the optional extra filter), paged like /v1/customers. */
    @GET
    @Path("/{id}/customers")
    @PermissionsAllowed("customers:read")
    public Uni<Response> members(@PathParam("id") String id, @QueryParam("filter") String filter,
            @QueryParam("sort") String sort, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
            @QueryParam("fields") String fields) {
        UUID uuid = Params.uuid(id);
        return callers.current().chain(caller -> segments.get(caller, uuid).chain(s -> customerPages.page(caller,
                "segment:" + s.id, combined(s.filter, filter), sort, limit, cursor, fields)));
    }

    @GET
    @Path("/{id}/count")
    @PermissionsAllowed("customers:read")
    public Uni<Response> count(@PathParam("id") String id) {
        UUID uuid = Params.uuid(id);
        return callers.current().chain(caller -> segments.get(caller, uuid).chain(s -> segments.count(caller,
                SqlFilterCompiler.compile(FilterParser.parse(s.filter), CustomerQueries.SCHEMA))
                .map(n -> Response.ok(Map.of("segmentId", s.id.toString(), "count", n)).build())));
    }

    /** The segment's filter AND the caller's extra filter; parenthesised so precedence cannot leak. */
    private static String combined(String segmentFilter, String extra) {
        return extra == null || extra.isBlank() ? segmentFilter : "(" + segmentFilter + ");(" + extra + ")";
    }

    private static EntityTag etag(Segment s) {
        return ETags.tag(s.version);
    }
}
