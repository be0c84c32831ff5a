package io.clientele.service.assignment.api;

import java.net.URI;
import java.util.List;
import java.util.Set;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.http.ETags;
import io.clientele.platform.http.Params;
import io.clientele.platform.http.RequestIds;
import io.clientele.platform.paging.PageRequest;
import io.clientele.platform.paging.Pager;
import io.clientele.platform.query.FieldType;
import io.clientele.platform.query.QueryField;
import io.clientele.platform.query.QuerySchema;
import io.clientele.platform.security.CallerContext;
import io.clientele.service.assignment.AssignmentConfig;
import io.clientele.service.assignment.AssignmentRepository;
import io.clientele.service.assignment.AssignmentViews;
import io.clientele.service.assignment.ServiceAgent;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** Service agent profiles: capacity, skills and availability read by automatic assignment. */
@Path("/v1/agents")
@Produces(MediaType.APPLICATION_JSON)
public class AgentResource {

    static final QuerySchema<ServiceAgent> SCHEMA = QuerySchema.<ServiceAgent>builder()
            .idField("id", "id", a -> a.id)
            .field(QueryField.<ServiceAgent>of("subject", "subject", FieldType.STRING).sortable(a -> a.subject))
            .field("available", "available", FieldType.BOOLEAN)
            .field(QueryField.<ServiceAgent>of("skill", "skills", FieldType.ARRAY)
                    .normalizer(v -> v.strip().toLowerCase(java.util.Locale.ROOT)))
            .sortableField("updatedAt", "updated_at", FieldType.INSTANT, a -> a.updatedAt)
            .build();

    private final AssignmentConfig config;
    private final AssignmentRepository repository;
    private final CallerContext callers;
    private final Pager pager;

    AgentResource(AssignmentConfig config, AssignmentRepository repository, CallerContext callers, Pager pager) {
        this.config = config;
        this.repository = repository;
        this.callers = callers;
        this.pager = pager;
    }

    /** Creates or replaces an agent's profile (idempotent by nature: the same body twice changes nothing new). */
    @PUT
    @Path("/{subject}")
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("service:configure")
    public Uni<Response> put(@PathParam("subject") String subject, AssignmentInputs.AgentInput body,
            HttpServerRequest request) {
        Params.requireBody(body);
        String checked = subject(subject);
        var draft = body.toDraft();
        return callers.current().chain(caller -> config.putAgent(caller, RequestIds.of(request), checked, draft))
                .map(written -> {
                    ServiceAgent a = written.getKey();
                    Response.ResponseBuilder r = written.getValue()
                            ? Response.created(URI.create("/v1/agents/" + a.subject)) : Response.ok();
                    return r.tag(ETags.tag(a.version)).entity(AssignmentViews.agent(a, null)).build();
                });
    }

    @GET
    @Path("/{subject}")
    @PermissionsAllowed("tickets:read")
    public Uni<Response> get(@PathParam("subject") String subject) {
        String checked = subject(subject);
        return callers.current().chain(caller -> config.agent(caller, checked)
                .chain(a -> Panache.withSession(() -> repository.loads(caller.tenantId(), Set.of(a.subject)))
                        .map(loads -> Response.ok(AssignmentViews.agent(a, loads.getOrDefault(a.subject, 0L)))
                                .tag(ETags.tag(a.version)).build())));
    }

    @GET
    @PermissionsAllowed("tickets:read")
    public Uni<Response> list(@QueryParam("filter") String filter, @QueryParam("sort") String sort,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        PageRequest<ServiceAgent> page = pager.request("agents", SCHEMA, filter, sort, "subject", limit, cursor);
        return callers.current().chain(caller -> config.agents(caller, page.where(), page.orderBy(), page.fetchSize()))
                .map(rows -> Response.ok(pager.body(page, rows, a -> AssignmentViews.agent(a, null))).build());
    }

    private static String subject(String subject) {
        if (subject == null || subject.isBlank() || subject.length() > 255
                || subject.chars().anyMatch(Character::isISOControl)) {
            throw ProblemException.invalidParameter("subject must be 1 to 255 characters without control characters");
        }
        return subject;
    }

    static List<String> none() {
        return List.of();
    }
}
