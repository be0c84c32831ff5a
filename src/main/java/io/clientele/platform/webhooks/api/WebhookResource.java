package io.clientele.platform.webhooks.api;

import java.net.URI;
import java.time.Duration;
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
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;
import io.clientele.platform.errors.ValidationErrors;
import io.clientele.platform.http.ETags;
import io.clientele.platform.http.Params;
import io.clientele.platform.http.RequestIds;
import io.clientele.platform.idempotency.Idempotency;
import io.clientele.platform.json.MergePatcher;
import io.clientele.platform.paging.PageRequest;
import io.clientele.platform.paging.Pager;
import io.clientele.platform.query.FieldType;
import io.clientele.platform.query.QuerySchema;
import io.clientele.platform.security.CallerContext;
import io.clientele.platform.webhooks.ReceiverAddresses;
import io.clientele.platform.webhooks.WebhookDelivery;
import io.clientele.platform.webhooks.WebhookService;
import io.clientele.platform.webhooks.WebhookSubscription;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** REST edge of webhooks: subscriptions, secret rotation, the delivery log and manual redelivery. */
@Path("/v1/webhooks")
@Produces(MediaType.APPLICATION_JSON)
public class WebhookResource {

    static final String MERGE_PATCH = "application/merge-patch+json";

    static final QuerySchema<WebhookSubscription> SCHEMA = QuerySchema.<WebhookSubscription>builder()
            .idField("id", "id", s -> s.id)
            .field("status", "status", FieldType.STRING)
            .field("url", "url", FieldType.STRING)
            .sortableField("createdAt", "created_at", FieldType.INSTANT, s -> s.createdAt)
            .sortableField("updatedAt", "updated_at", FieldType.INSTANT, s -> s.updatedAt)
            .build();

    static final QuerySchema<WebhookDelivery> DELIVERIES = QuerySchema.<WebhookDelivery>builder()
            .idField("id", "id", d -> d.id)
            .field("status", "status", FieldType.STRING)
            .field("eventType", "event_type", FieldType.STRING)
            .field("eventId", "event_id", FieldType.UUID)
            .sortableField("createdAt", "created_at", FieldType.INSTANT, d -> d.createdAt)
            .build();

    private final WebhookService webhooks;
    private final CallerContext callers;
    private final Idempotency idempotency;
    private final Pager pager;
    private final MergePatcher patcher;
    private final ReceiverAddresses addresses;

    WebhookResource(WebhookService webhooks, CallerContext callers, Idempotency idempotency, Pager pager,
            MergePatcher patcher, ReceiverAddresses addresses) {
        this.webhooks = webhooks;
        this.callers = callers;
        this.idempotency = idempotency;
        this.pager = pager;
        this.patcher = patcher;
        this.addresses = addresses;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("webhooks:write")
    public Uni<Response> create(WebhookInput body, @HeaderParam(Idempotency.HEADER) String key,
            HttpServerRequest request) {
        Params.requireBody(body);
        if (body.status() != null && !body.status().equals(WebhookSubscription.ACTIVE)) {
            throw new ProblemException(ProblemType.VALIDATION_FAILED, "a new subscription is active",
                    List.of(new io.clientele.platform.errors.FieldError("/status", "must be active or absent")));
        }
        WebhookService.Draft draft = body.toDraft(addresses);
        return callers.current().chain(caller -> idempotency.run(caller, key, "POST /v1/webhooks", body,
                () -> webhooks.create(caller, RequestIds.of(request), draft)
                        .map(created -> Response.created(URI.create("/v1/webhooks/" + created.subscription().id))
                                .tag(etag(created.subscription())).entity(withSecret(created)).build())));
    }

    @GET
    @PermissionsAllowed("webhooks:read")
    public Uni<Response> list(@QueryParam("filter") String filter, @QueryParam("sort") String sort,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        PageRequest<WebhookSubscription> page = pager.request("webhooks", SCHEMA, filter, sort, "createdAt", limit,
                cursor);
        return callers.current()
                .chain(caller -> webhooks.list(caller, page.where(), page.orderBy(), page.fetchSize()))
                .map(rows -> Response.ok(pager.body(page, rows, WebhookSubscription::view)).build());
    }

    @GET
    @Path("/{id}")
    @PermissionsAllowed("webhooks:read")
    public Uni<Response> get(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        UUID uuid = Params.uuid(id);
        return callers.current().chain(caller -> webhooks.get(caller, uuid))
                .map(s -> ETags.read(ifNoneMatch, s.version, () -> s.view()));
    }

    @PATCH
    @Path("/{id}")
    @Consumes(MERGE_PATCH)
    @PermissionsAllowed("webhooks:write")
    public Uni<Response> update(@PathParam("id") String id, String body,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        var patch = patcher.parse(body);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current()
                .chain(caller -> webhooks.update(caller, RequestIds.of(request), uuid, precondition,
                        current -> patcher.apply(WebhookInput.of(current), patch, WebhookInput.class)
                                .toDraft(addresses)))
                .map(s -> Response.ok(s.view()).tag(etag(s)).build());
    }

    @DELETE
    @Path("/{id}")
    @PermissionsAllowed("webhooks:write")
    public Uni<Response> delete(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current().chain(caller -> webhooks.delete(caller, RequestIds.of(request), uuid, precondition))
                .replaceWith(Response.noContent().build());
    }

    /** Body of a rotation: how long the old secret keeps signing (default clientele.webhooks.rotation-overlap). */
    @RegisterForReflection
    public record RotationInput(Integer overlapSeconds) {
    }

    @POST
    @Path("/{id}/secret-rotations")
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("webhooks:write")
    public Uni<Response> rotate(@PathParam("id") String id, RotationInput body,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        Duration overlap = null;
        if (body != null && body.overlapSeconds() != null) {
            if (body.overlapSeconds() < 0 || body.overlapSeconds() > 7 * 24 * 3600) {
                new ValidationErrors().add("/overlapSeconds", "must be between 0 and 604800 (7 days)").throwIfAny();
            }
            overlap = Duration.ofSeconds(body.overlapSeconds());
        }
        var precondition = ifMatch == null ? new ETags.Precondition(true, List.of()) : ETags.requireIfMatch(ifMatch);
        Duration keep = overlap;
        return callers.current()
                .chain(caller -> webhooks.rotate(caller, RequestIds.of(request), uuid, precondition, keep))
                .map(rotated -> Response.ok(withSecret(rotated)).tag(etag(rotated.subscription())).build());
    }

    @GET
    @Path("/{id}/deliveries")
    @PermissionsAllowed("webhooks:read")
    public Uni<Response> deliveries(@PathParam("id") String id, @QueryParam("filter") String filter,
            @QueryParam("sort") String sort, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        UUID uuid = Params.uuid(id);
        PageRequest<WebhookDelivery> page = pager.request("webhook-deliveries:" + uuid, DELIVERIES, filter, sort,
                "-createdAt", limit, cursor);
        return callers.current()
                .chain(caller -> webhooks.deliveries(caller, uuid, page.where(), page.orderBy(), page.fetchSize()))
                .map(rows -> Response.ok(pager.body(page, rows, WebhookDelivery::view)).build());
    }

    @GET
    @Path("/{id}/deliveries/{deliveryId}")
    @PermissionsAllowed("webhooks:read")
    public Uni<Response> delivery(@PathParam("id") String id, @PathParam("deliveryId") String deliveryId) {
        UUID uuid = Params.uuid(id);
        UUID delivery = Params.uuid(deliveryId);
        return callers.current().chain(caller -> webhooks.delivery(caller, uuid, delivery))
                .map(view -> Response.ok(view).build());
    }

    @POST
    @Path("/{id}/deliveries/{deliveryId}/redeliveries")
    @PermissionsAllowed("webhooks:write")
    public Uni<Response> redeliver(@PathParam("id") String id, @PathParam("deliveryId") String deliveryId) {
        UUID uuid = Params.uuid(id);
        UUID delivery = Params.uuid(deliveryId);
        return callers.current().chain(caller -> webhooks.redeliver(caller, uuid, delivery))
                .map(d -> Response.accepted(d.view()).build());
    }

    private static Map<String, Object> withSecret(WebhookService.WithSecret created) {
        Map<String, Object> view = new LinkedHashMap<>(created.subscription().view());
        view.put("secret", created.secret());
        return view;
    }


    private static EntityTag etag(WebhookSubscription s) {
        return ETags.tag(s.version);
    }
}
