package io.clientele.customer.api;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
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
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.clientele.customer.domain.Tag;
import io.clientele.customer.domain.TagService;
import io.clientele.platform.errors.ValidationErrors;
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
import io.clientele.platform.security.Caller;
import io.clientele.platform.security.CallerContext;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** REST edge of tags: {@code /v1/tags}, and bulk assignment to customers. */
@Path("/v1/tags")
@Produces(MediaType.APPLICATION_JSON)
public class TagResource {

    static final QuerySchema<Tag> SCHEMA = QuerySchema.<Tag>builder()
            .idField("id", "id", t -> t.id)
            .field(QueryField.<Tag>of("name", "name", FieldType.CI_STRING).sortable(t -> t.name))
            .sortableField("createdAt", "created_at", FieldType.INSTANT, t -> t.createdAt)
            .sortableField("updatedAt", "updated_at", FieldType.INSTANT, t -> t.updatedAt)
            .build();

    private final TagService tags;
    private final CallerContext callers;
    private final Idempotency idempotency;
    private final Pager pager;
    private final MergePatcher patcher;

    TagResource(TagService tags, CallerContext callers, Idempotency idempotency, Pager pager, MergePatcher patcher) {
        this.tags = tags;
        this.callers = callers;
        this.idempotency = idempotency;
        this.pager = pager;
        this.patcher = patcher;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("customers:write")
    public Uni<Response> create(TagInput body, @HeaderParam(Idempotency.HEADER) String key, HttpServerRequest request) {
        Params.requireBody(body);
        return callers.current().chain(caller -> idempotency.run(caller, key, "POST /v1/tags", body,
                () -> tags.create(caller, RequestIds.of(request), body.toDraft())
                        .map(t -> Response.created(URI.create("/v1/tags/" + t.id)).tag(etag(t)).entity(t.view())
                                .build())));
    }

    @GET
    @PermissionsAllowed("customers:read")
    public Uni<Response> list(@QueryParam("filter") String filter, @QueryParam("sort") String sort,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        PageRequest<Tag> page = pager.request("tags", SCHEMA, filter, sort, "name", limit, cursor);
        return callers.current().chain(caller -> tags.list(caller, page.where(), page.orderBy(), page.fetchSize()))
                .map(rows -> Response.ok(pager.body(page, rows, Tag::view)).build());
    }

    @GET
    @Path("/{id}")
    @PermissionsAllowed("customers:read")
    public Uni<Response> get(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        UUID uuid = Params.uuid(id);
        return callers.current().chain(caller -> tags.get(caller, uuid))
                .map(t -> ETags.read(ifNoneMatch, t.version, () -> t.view()));
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
                .chain(caller -> tags.update(caller, RequestIds.of(request), uuid, precondition,
                        current -> patcher.apply(new TagInput(current.name(), current.color()), patch, TagInput.class)
                                .toDraft()))
                .map(t -> Response.ok(t.view()).tag(etag(t)).build());
    }

    @DELETE
    @Path("/{id}")
    @PermissionsAllowed("customers:delete")
    public Uni<Response> delete(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current().chain(caller -> tags.delete(caller, RequestIds.of(request), uuid, precondition))
                .replaceWith(Response.noContent().build());
    }

    @POST
    @Path("/{id}/assignments")
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("customers:write")
    public Uni<Response> assign(@PathParam("id") String id, AssignmentInput body,
            @HeaderParam(Idempotency.HEADER) String key, HttpServerRequest request) {
        return change(id, "assignments", body, key, request, tags::assign);
    }

    @POST
    @Path("/{id}/removals")
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("customers:write")
    public Uni<Response> unassign(@PathParam("id") String id, AssignmentInput body,
            @HeaderParam(Idempotency.HEADER) String key, HttpServerRequest request) {
        return change(id, "removals", body, key, request, tags::unassign);
    }

    /** The shape both bulk operations share: tag and customer ids checked, idempotent, one result. */
    private interface BulkChange {
        Uni<TagService.AssignmentResult> apply(Caller caller, String requestId, UUID tagId, List<UUID> customerIds);
    }

    private Uni<Response> change(String id, String operation, AssignmentInput body, String key,
            HttpServerRequest request, BulkChange change) {
        UUID uuid = Params.uuid(id);
        List<UUID> customerIds = customerIds(body);
        return callers.current().chain(caller -> idempotency.run(caller, key,
                "POST /v1/tags/" + uuid + "/" + operation, body,
                () -> change.apply(caller, RequestIds.of(request), uuid, customerIds)
                        .map(result -> Response.ok(result).build())));
    }

    /** Body of an (un)assignment: the customers, at most {@value TagService#MAX_ASSIGNMENT}. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record AssignmentInput(List<String> customerIds) {
    }

    private static List<UUID> customerIds(AssignmentInput body) {
        Params.requireBody(body);
        ValidationErrors errors = new ValidationErrors();
        if (body.customerIds() == null || body.customerIds().isEmpty()) {
            errors.add("/customerIds", "list at least one customer id");
        } else if (body.customerIds().size() > TagService.MAX_ASSIGNMENT) {
            errors.add("/customerIds", "at most " + TagService.MAX_ASSIGNMENT + " customer ids per call");
        }
        errors.throwIfAny();
        LinkedHashSet<UUID> ids = new LinkedHashSet<>();
        for (int i = 0; i < body.customerIds().size(); i++) {
            try {
                ids.add(UUID.fromString(String.valueOf(body.customerIds().get(i))));
            } catch (IllegalArgumentException e) {
                errors.add("/customerIds/" + i, "is not a UUID");
            }
        }
        errors.throwIfAny();
        return new ArrayList<>(ids);
    }


    static EntityTag etag(Tag t) {
        return ETags.tag(t.version);
    }
}
