package io.clientele.service.sla.api;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
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

import io.clientele.platform.errors.ProblemException;
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
import io.clientele.service.sla.BusinessCalendar;
import io.clientele.service.sla.BusinessHours;
import io.clientele.service.sla.SlaPolicy;
import io.clientele.service.sla.SlaSettings;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** REST edge of SLA settings: business calendars and policies under {@code /v1/sla}. */
@Path("/v1/sla")
@Produces(MediaType.APPLICATION_JSON)
public class SlaResource {

    static final String MERGE_PATCH = "application/merge-patch+json";

    static final QuerySchema<BusinessCalendar> CALENDARS = QuerySchema.<BusinessCalendar>builder()
            .idField("id", "id", c -> c.id)
            .field(QueryField.<BusinessCalendar>of("name", "name", FieldType.CI_STRING).sortable(c -> c.name))
            .field(QueryField.<BusinessCalendar>of("timeZone", "time_zone", FieldType.STRING))
            .sortableField("createdAt", "created_at", FieldType.INSTANT, c -> c.createdAt)
            .sortableField("updatedAt", "updated_at", FieldType.INSTANT, c -> c.updatedAt)
            .build();

    static final QuerySchema<SlaPolicy> POLICIES = QuerySchema.<SlaPolicy>builder()
            .idField("id", "id", p -> p.id)
            .field(QueryField.<SlaPolicy>of("name", "name", FieldType.CI_STRING).sortable(p -> p.name))
            .sortableField("position", "position", FieldType.NUMBER, p -> (long) p.position)
            .field(QueryField.<SlaPolicy>of("enabled", "enabled", FieldType.BOOLEAN))
            .field(QueryField.<SlaPolicy>of("priorities", "priorities", FieldType.ARRAY))
            .field(QueryField.<SlaPolicy>of("ticketTypes", "ticket_types", FieldType.ARRAY))
            .field(QueryField.<SlaPolicy>of("calendarId", "calendar_id", FieldType.UUID))
            .sortableField("createdAt", "created_at", FieldType.INSTANT, p -> p.createdAt)
            .sortableField("updatedAt", "updated_at", FieldType.INSTANT, p -> p.updatedAt)
            .build();

    private final SlaSettings settings;
    private final CallerContext callers;
    private final Idempotency idempotency;
    private final Pager pager;
    private final MergePatcher patcher;

    SlaResource(SlaSettings settings, CallerContext callers, Idempotency idempotency, Pager pager,
            MergePatcher patcher) {
        this.settings = settings;
        this.callers = callers;
        this.idempotency = idempotency;
        this.pager = pager;
        this.patcher = patcher;
    }

    // --- calendars ---------------------------------------------------------------------------

    @POST
    @Path("/calendars")
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("sla:write")
    public Uni<Response> createCalendar(CalendarInput body, @HeaderParam(Idempotency.HEADER) String key,
            HttpServerRequest request) {
        Params.requireBody(body);
        return callers.current().chain(caller -> idempotency.run(caller, key, "POST /v1/sla/calendars", body,
                () -> settings.createCalendar(caller, RequestIds.of(request), body.toDraft())
                        .map(c -> Response.created(URI.create("/v1/sla/calendars/" + c.id))
                                .tag(ETags.tag(c.version)).entity(c.view()).build())));
    }

    @GET
    @Path("/calendars")
    @PermissionsAllowed("sla:read")
    public Uni<Response> listCalendars(@QueryParam("filter") String filter, @QueryParam("sort") String sort,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        PageRequest<BusinessCalendar> page = pager.request("sla-calendars", CALENDARS, filter, sort, "name", limit,
                cursor);
        return callers.current().chain(caller -> settings.calendars(caller, page.where(), page.orderBy(),
                page.fetchSize())).map(rows -> Response.ok(pager.body(page, rows, BusinessCalendar::view)).build());
    }

    @GET
    @Path("/calendars/{id}")
    @PermissionsAllowed("sla:read")
    public Uni<Response> getCalendar(@PathParam("id") String id,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        UUID uuid = Params.uuid(id);
        return callers.current().chain(caller -> settings.calendar(caller, uuid))
                .map(c -> ETags.read(ifNoneMatch, c.version, () -> c.view()));
    }

    @PATCH
    @Path("/calendars/{id}")
    @Consumes(MERGE_PATCH)
    @PermissionsAllowed("sla:write")
    public Uni<Response> updateCalendar(@PathParam("id") String id, String body,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        var patch = patcher.parse(body);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current()
                .chain(caller -> settings.updateCalendar(caller, RequestIds.of(request), uuid, precondition,
                        current -> patcher.apply(CalendarInput.of(current), patch, CalendarInput.class).toDraft()))
                .map(c -> Response.ok(c.view()).tag(ETags.tag(c.version)).build());
    }

    @DELETE
    @Path("/calendars/{id}")
    @PermissionsAllowed("sla:write")
    public Uni<Response> deleteCalendar(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current()
                .chain(caller -> settings.deleteCalendar(caller, RequestIds.of(request), uuid, precondition))
                .replaceWith(Response.noContent().build());
    }

    /** When a business duration counted from an instant ends, and how much business time lies between two instants. */
    @GET
    @Path("/calendars/{id}/business-time")
    @PermissionsAllowed("sla:read")
    public Uni<Response> businessTime(@PathParam("id") String id, @QueryParam("from") String from,
            @QueryParam("add") String add, @QueryParam("to") String to) {
        UUID uuid = Params.uuid(id);
        Instant start = instant("from", from);
        if ((add == null) == (to == null)) {
            throw ProblemException.invalidParameter("give exactly one of add (a duration) and to (an instant)");
        }
        Duration amount = null;
        if (add != null) {
            try {
                amount = Duration.parse(add);
            } catch (DateTimeParseException e) {
                throw ProblemException.invalidParameter("add: must be an ISO 8601 duration such as PT4H");
            }
            if (amount.isNegative() || amount.compareTo(Duration.ofDays(365)) > 0) {
                throw ProblemException.invalidParameter("add: must be between PT0S and P365D");
            }
        }
        Instant end = to == null ? null : instant("to", to);
        Duration added = amount;
        return callers.current().chain(caller -> settings.calendar(caller, uuid)).map(c -> {
            BusinessHours hours = c.hours();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("from", start.toString());
            if (added != null) {
                body.put("add", added.toString());
                body.put("dueAt", hours.add(start, added).toString());
            } else {
                body.put("to", end.toString());
                body.put("businessTime", hours.between(start, end).toString());
            }
            return Response.ok(body).build();
        });
    }

    // --- policies ----------------------------------------------------------------------------

    @POST
    @Path("/policies")
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("sla:write")
    public Uni<Response> createPolicy(PolicyInput body, @HeaderParam(Idempotency.HEADER) String key,
            HttpServerRequest request) {
        Params.requireBody(body);
        return callers.current().chain(caller -> idempotency.run(caller, key, "POST /v1/sla/policies", body,
                () -> settings.createPolicy(caller, RequestIds.of(request), body.toDraft())
                        .map(p -> Response.created(URI.create("/v1/sla/policies/" + p.id))
                                .tag(ETags.tag(p.version)).entity(p.view()).build())));
    }

    @GET
    @Path("/policies")
    @PermissionsAllowed("sla:read")
    public Uni<Response> listPolicies(@QueryParam("filter") String filter, @QueryParam("sort") String sort,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        PageRequest<SlaPolicy> page = pager.request("sla-policies", POLICIES, filter, sort, "position", limit, cursor);
        return callers.current().chain(caller -> settings.policies(caller, page.where(), page.orderBy(),
                page.fetchSize())).map(rows -> Response.ok(pager.body(page, rows, SlaPolicy::view)).build());
    }

    @GET
    @Path("/policies/{id}")
    @PermissionsAllowed("sla:read")
    public Uni<Response> getPolicy(@PathParam("id") String id,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        UUID uuid = Params.uuid(id);
        return callers.current().chain(caller -> settings.policy(caller, uuid))
                .map(p -> ETags.read(ifNoneMatch, p.version, () -> p.view()));
    }

    @PATCH
    @Path("/policies/{id}")
    @Consumes(MERGE_PATCH)
    @PermissionsAllowed("sla:write")
    public Uni<Response> updatePolicy(@PathParam("id") String id, String body,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        var patch = patcher.parse(body);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current()
                .chain(caller -> settings.updatePolicy(caller, RequestIds.of(request), uuid, precondition,
                        current -> patcher.apply(PolicyInput.of(current), patch, PolicyInput.class).toDraft()))
                .map(p -> Response.ok(p.view()).tag(ETags.tag(p.version)).build());
    }

    @DELETE
    @Path("/policies/{id}")
    @PermissionsAllowed("sla:write")
    public Uni<Response> deletePolicy(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current()
                .chain(caller -> settings.deletePolicy(caller, RequestIds.of(request), uuid, precondition))
                .replaceWith(Response.noContent().build());
    }

    static Instant instant(String name, String value) {
        if (value == null) {
            throw ProblemException.invalidParameter(name + ": is required (an instant such as 2026-03-27T15:00:00Z)");
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidParameter(name + ": must be an instant such as 2026-03-27T15:00:00Z");
        }
    }

}
