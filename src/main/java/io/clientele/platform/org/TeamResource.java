package io.clientele.platform.org;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
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
import io.clientele.platform.query.QueryField;
import io.clientele.platform.query.QuerySchema;
import io.clientele.platform.security.CallerContext;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** REST edge of teams: {@code /v1/teams} and their members. */
@Path("/v1/teams")
@Produces(MediaType.APPLICATION_JSON)
public class TeamResource {

    static final String MERGE_PATCH = "application/merge-patch+json";
    /** Token subjects: Keycloak's are UUIDs, other issuers' are opaque; printable, no spaces, bounded. */
    private static final Pattern SUBJECT = Pattern.compile("[\\x21-\\x7e]{1,255}");

    static final QuerySchema<Team> SCHEMA = QuerySchema.<Team>builder()
            .idField("id", "id", t -> t.id)
            .field(QueryField.<Team>of("name", "name", FieldType.CI_STRING).sortable(t -> t.name))
            .sortableField("createdAt", "created_at", FieldType.INSTANT, t -> t.createdAt)
            .sortableField("updatedAt", "updated_at", FieldType.INSTANT, t -> t.updatedAt)
            .build();

    private final Teams teams;
    private final CallerContext callers;
    private final Idempotency idempotency;
    private final Pager pager;
    private final MergePatcher patcher;

    TeamResource(Teams teams, CallerContext callers, Idempotency idempotency, Pager pager, MergePatcher patcher) {
        this.teams = teams;
        this.callers = callers;
        this.idempotency = idempotency;
        this.pager = pager;
        this.patcher = patcher;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("teams:write")
    public Uni<Response> create(TeamInput body, @HeaderParam(Idempotency.HEADER) String key,
            HttpServerRequest request) {
        Params.requireBody(body);
        return callers.current().chain(caller -> idempotency.run(caller, key, "POST /v1/teams", body,
                () -> teams.create(caller, RequestIds.of(request), body.toDraft())
                        .map(t -> Response.created(URI.create("/v1/teams/" + t.id)).tag(ETags.tag(t.version))
                                .entity(t.view()).build())));
    }

    @GET
    @PermissionsAllowed("teams:read")
    public Uni<Response> list(@QueryParam("filter") String filter, @QueryParam("sort") String sort,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        PageRequest<Team> page = pager.request("teams", SCHEMA, filter, sort, "name", limit, cursor);
        return callers.current().chain(caller -> teams.list(caller, page.where(), page.orderBy(), page.fetchSize()))
                .map(rows -> Response.ok(pager.body(page, rows, Team::view)).build());
    }

    @GET
    @Path("/{id}")
    @PermissionsAllowed("teams:read")
    public Uni<Response> get(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        UUID uuid = Params.uuid(id);
        return callers.current().chain(caller -> teams.get(caller, uuid))
                .map(t -> ETags.read(ifNoneMatch, t.version, () -> t.view()));
    }

    @PATCH
    @Path("/{id}")
    @Consumes(MERGE_PATCH)
    @PermissionsAllowed("teams:write")
    public Uni<Response> update(@PathParam("id") String id, String body,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        var patch = patcher.parse(body);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current()
                .chain(caller -> teams.update(caller, RequestIds.of(request), uuid, precondition,
                        current -> patcher.apply(new TeamInput(current.name(), current.description()), patch,
                                TeamInput.class).toDraft()))
                .map(t -> Response.ok(t.view()).tag(ETags.tag(t.version)).build());
    }

    @DELETE
    @Path("/{id}")
    @PermissionsAllowed("teams:write")
    public Uni<Response> delete(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current().chain(caller -> teams.delete(caller, RequestIds.of(request), uuid, precondition))
                .replaceWith(Response.noContent().build());
    }

    @GET
    @Path("/{id}/members")
    @PermissionsAllowed("teams:read")
    public Uni<Response> members(@PathParam("id") String id) {
        UUID uuid = Params.uuid(id);
        return callers.current().chain(caller -> teams.members(caller, uuid)).map(members -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("items", members.stream().map(TeamMember::view).toList());
            return Response.ok(body).build();
        });
    }

    /** Adds the member, or changes its role; idempotent by nature (PUT). */
    @PUT
    @Path("/{id}/members/{subject}")
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("teams:write")
    public Uni<Response> putMember(@PathParam("id") String id, @PathParam("subject") String subject,
            MemberInput body, HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        String checkedSubject = subject(subject);
        String role = role(body);
        return callers.current()
                .chain(caller -> teams.putMember(caller, RequestIds.of(request), uuid, checkedSubject, role))
                .map(member -> Response.ok(member.view()).build());
    }

    @DELETE
    @Path("/{id}/members/{subject}")
    @PermissionsAllowed("teams:write")
    public Uni<Response> removeMember(@PathParam("id") String id, @PathParam("subject") String subject,
            HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        String checkedSubject = subject(subject);
        return callers.current()
                .chain(caller -> teams.removeMember(caller, RequestIds.of(request), uuid, checkedSubject))
                .replaceWith(Response.noContent().build());
    }

    /** Body of a membership: the role, {@code member} when left out. */
    @RegisterForReflection
    public record MemberInput(String role) {
    }

    private static String role(MemberInput body) {
        if (body == null || body.role() == null) {
            return TeamMember.MEMBER;
        }
        if (!List.of(TeamMember.MEMBER, TeamMember.LEAD).contains(body.role())) {
            ValidationErrors errors = new ValidationErrors();
            errors.add("/role", "must be 'member' or 'lead'");
            errors.throwIfAny();
        }
        return body.role();
    }

    private static String subject(String subject) {
        if (subject == null || !SUBJECT.matcher(subject).matches()) {
            throw new ProblemException(ProblemType.VALIDATION_FAILED,
                    "the subject must be 1 to 255 printable characters without spaces");
        }
        return subject;
    }

}
