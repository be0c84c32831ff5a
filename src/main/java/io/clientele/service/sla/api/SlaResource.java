package io.clientele.service.sla.api;

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
import io.clientele.platform.http.Params;
import io.clientele.platform.http.RequestIds;
import io.clientele.platform.idempotency.Idempotency;
import io.clientele.platform.json.MergePatcher;
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
    private final SettingsEdge<BusinessCalendar, CalendarInput, BusinessCalendar.Draft> calendars;
    private final SettingsEdge<SlaPolicy, PolicyInput, SlaPolicy.Draft> policies;

    SlaResource(SlaSettings settings, CallerContext callers, Idempotency idempotency, Pager pager,
            MergePatcher patcher) {
        this.settings = settings;
        this.callers = callers;
        this.calendars = new SettingsEdge<>(new SettingsEdge.Shape<>("/v1/sla/calendars", "sla-calendars", CALENDARS,
                "name", CalendarInput.class, CalendarInput::of, CalendarInput::toDraft, c -> c.id, c -> c.version,
                BusinessCalendar::view), new SettingsEdge.Service<>(settings::createCalendar, settings::calendars,
                        settings::calendar, settings::updateCalendar, settings::deleteCalendar),
                callers, idempotency, pager, patcher);
        this.policies = new SettingsEdge<>(new SettingsEdge.Shape<>("/v1/sla/policies", "sla-policies", POLICIES,
                "position", PolicyInput.class, PolicyInput::of, PolicyInput::toDraft, p -> p.id, p -> p.version,
                SlaPolicy::view), new SettingsEdge.Service<>(settings::createPolicy, settings::policies,
                        settings::policy, settings::updatePolicy, settings::deletePolicy),
                callers, idempotency, pager, patcher);
    }

    // --- calendars ---------------------------------------------------------------------------

    @POST
    @Path("/calendars")
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("sla:write")
    public Uni<Response> createCalendar(CalendarInput body, @HeaderParam(Idempotency.HEADER) String key,
            HttpServerRequest request) {
        return calendars.create(body, key, RequestIds.of(request));
    }

    @GET
    @Path("/calendars")
    @PermissionsAllowed("sla:read")
    public Uni<Response> listCalendars(@QueryParam("filter") String filter, @QueryParam("sort") String sort,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return calendars.list(filter, sort, limit, cursor);
    }

    @GET
    @Path("/calendars/{id}")
    @PermissionsAllowed("sla:read")
    public Uni<Response> getCalendar(@PathParam("id") String id,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        return calendars.get(id, ifNoneMatch);
    }

    @PATCH
    @Path("/calendars/{id}")
    @Consumes(MERGE_PATCH)
    @PermissionsAllowed("sla:write")
    public Uni<Response> updateCalendar(@PathParam("id") String id, String body,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, HttpServerRequest request) {
        return calendars.update(id, body, ifMatch, RequestIds.of(request));
    }

    @DELETE
    @Path("/calendars/{id}")
    @PermissionsAllowed("sla:write")
    public Uni<Response> deleteCalendar(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            HttpServerRequest request) {
        return calendars.delete(id, ifMatch, RequestIds.of(request));
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
        return policies.create(body, key, RequestIds.of(request));
    }

    @GET
    @Path("/policies")
    @PermissionsAllowed("sla:read")
    public Uni<Response> listPolicies(@QueryParam("filter") String filter, @QueryParam("sort") String sort,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return policies.list(filter, sort, limit, cursor);
    }

    @GET
    @Path("/policies/{id}")
    @PermissionsAllowed("sla:read")
    public Uni<Response> getPolicy(@PathParam("id") String id,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        return policies.get(id, ifNoneMatch);
    }

    @PATCH
    @Path("/policies/{id}")
    @Consumes(MERGE_PATCH)
    @PermissionsAllowed("sla:write")
    public Uni<Response> updatePolicy(@PathParam("id") String id, String body,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, HttpServerRequest request) {
        return policies.update(id, body, ifMatch, RequestIds.of(request));
    }

    @DELETE
    @Path("/policies/{id}")
    @PermissionsAllowed("sla:write")
    public Uni<Response> deletePolicy(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            HttpServerRequest request) {
        return policies.delete(id, ifMatch, RequestIds.of(request));
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
