package io.clientele.customer.api;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.customer.domain.ContactPoints;
import io.clientele.customer.domain.Customer;
import io.clientele.customer.domain.CustomerDraft;
import io.clientele.customer.domain.CustomerService;
import io.clientele.customer.domain.NaturalKey;
import io.clientele.customer.domain.matching.DuplicatePolicy;
import io.clientele.customer.domain.matching.Duplicates;
import io.clientele.customer.domain.matching.MatchCandidate;
import io.clientele.platform.errors.ProblemException;
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
import io.clientele.platform.query.FilterParser;
import io.clientele.platform.query.GroupQuery;
import io.clientele.platform.query.SqlFilterCompiler;
import io.clientele.platform.query.SqlFragment;
import io.clientele.platform.security.CallerContext;
import io.clientele.platform.timeline.Timeline;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** REST edge of the customer module: {@code /v1/customers} as specified in openapi/openapi.yaml. */
@Path("/v1/customers")
@Produces(MediaType.APPLICATION_JSON)
public class CustomerResource {

    static final String MERGE_PATCH = "application/merge-patch+json";

    private final CustomerService customers;
    private final CustomerMapper mapper;
    private final CallerContext callers;
    private final Idempotency idempotency;
    private final Pager pager;
    private final ObjectMapper json;
    private final MergePatcher patcher;
    private final CustomerPages pages;
    private final Duplicates duplicates;
    private final SensitiveAccess access;
    private final Timeline timeline;

    CustomerResource(CustomerService customers, CustomerMapper mapper, CallerContext callers,
            Idempotency idempotency, Pager pager, ObjectMapper json, MergePatcher patcher, CustomerPages pages,
            Duplicates duplicates, SensitiveAccess access, Timeline timeline) {
        this.access = access;
        this.timeline = timeline;
        this.duplicates = duplicates;
        this.customers = customers;
        this.mapper = mapper;
        this.callers = callers;
        this.idempotency = idempotency;
        this.pager = pager;
        this.json = json;
        this.patcher = patcher;
        this.pages = pages;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("customers:write")
    public Uni<Response> create(CustomerInput body, @QueryParam("onDuplicate") String onDuplicate,
            @HeaderParam(Idempotency.HEADER) String key, HttpServerRequest request) {
        Params.requireBody(body);
        DuplicatePolicy policy = policy(onDuplicate, true);
        String operation = "POST /v1/customers" + (policy == null ? "" : "?onDuplicate=" + policy.apiName());
        return callers.current().chain(caller -> idempotency.run(caller, key, operation, body, () -> {
            var draft = mapper.toDraft(body, caller.subject());
            return customers.create(caller, RequestIds.of(request), draft, policy).map(written -> {
                Customer c = written.customer();
                // 200 instead of 201: the request was merged into an existing customer.
                Response.ResponseBuilder response = written.created() ? Response.created(location(c.id))
                        : Response.ok().location(location(c.id));
                return response.tag(etag(c)).entity(mapper.toView(c)).build();
            });
        }));
    }

    /**
     * Dry run of duplicate checking: the stored customers {@code body} would duplicate, scored
     * with reasons, best first. Nothing is written.
     */
    @POST
    @Path("/matches")
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("customers:read")
    public Uni<Response> matches(CustomerInput body, @QueryParam("limit") String limit,
            @QueryParam("minScore") String minScore) {
        Params.requireBody(body);
        int max = Params.intBetween("limit", limit, 10, 1, 50);
        Double min = Params.numberBetween("minScore", minScore, 0, 1);
        CustomerDraft probe = mapper.toProbe(body);
        return callers.current().chain(caller -> duplicates.match(caller, probe, null, min, max))
                .map(result -> Response.ok(matchBody(result)).build());
    }

    /** Stored customers that are likely or possibly the same as customer {@code id}. */
    @GET
    @Path("/{id}/duplicates")
    @PermissionsAllowed("customers:read")
    public Uni<Response> duplicatesOf(@PathParam("id") String id, @QueryParam("limit") String limit,
            @QueryParam("minScore") String minScore) {
        UUID uuid = Params.uuid(id);
        int max = Params.intBetween("limit", limit, 10, 1, 50);
        Double min = Params.numberBetween("minScore", minScore, 0, 1);
        return callers.current().chain(caller -> customers.get(caller, uuid)
                .chain(c -> duplicates.match(caller, c.toDraft(), c.id, min, max)))
                .map(result -> Response.ok(matchBody(result)).build());
    }

    /**
     * Merges other customers into this one (the survivor). Requires the survivor's ETag; the
     * merged-away ids answer 308 to the survivor from then on.
     */
    @POST
    @Path("/{id}/merge")
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("customers:merge")
    public Uni<Response> merge(@PathParam("id") String id, MergeInput body,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        var precondition = ETags.requireIfMatch(ifMatch);
        MergeInput.Parsed merge = MergeInput.parse(body, uuid);
        return callers.current()
                .chain(caller -> customers.merge(caller, RequestIds.of(request), uuid, precondition, merge.mergeIds(),
                        merge.rule(), merge.choices()))
                .map(c -> Response.ok(mapper.toView(c)).tag(etag(c)).build());
    }

    private Map<String, Object> matchBody(Duplicates.MatchResult result) {
        List<Map<String, Object>> candidates = new ArrayList<>();
        for (MatchCandidate m : result.candidates()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("customer", mapper.toView(m.customer()));
            item.put("score", m.match().score());
            item.put("confidence", m.match().score() >= result.settings().likelyThreshold ? "likely" : "possible");
            item.put("reasons", m.match().reasons());
            candidates.add(item);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("candidates", candidates);
        body.put("thresholds", Map.of("possible", result.settings().possibleThreshold,
                "likely", result.settings().likelyThreshold));
        return body;
    }

    static DuplicatePolicy policy(String value, boolean mergeAllowed) {
        if (value == null) {
            return null;
        }
        DuplicatePolicy p = DuplicatePolicy.parse(value);
        if (p == null || (p == DuplicatePolicy.MERGE && !mergeAllowed)) {
            throw ProblemException.invalidParameter("onDuplicate must be one of "
                    + (mergeAllowed ? "allow, reject or merge" : "allow or reject"));
        }
        return p;
    }

    private static URI location(UUID id) {
        return URI.create("/v1/customers/" + id);
    }

    @GET
    @PermissionsAllowed("customers:read")
    public Uni<Response> list(@QueryParam("filter") String filter, @QueryParam("sort") String sort,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
            @QueryParam("fields") String fields) {
        return callers.current().chain(caller -> pages.page(caller, "customers", filter, sort, limit, cursor, fields));
    }

    /**
     * Counts, and sums of numeric attributes, per combination of up to three dimensions, for the
     * customers matching {@code filter}; largest groups first.
     */
    @GET
    @Path("/groups")
    @PermissionsAllowed("customers:read")
    public Uni<Response> groups(@QueryParam("by") String by, @QueryParam("sum") String sum,
            @QueryParam("filter") String filter, @QueryParam("limit") String limit) {
        GroupQuery grouping = GroupQuery.of(CustomerQueries.SCHEMA, by, sum);
        SqlFragment where = SqlFilterCompiler.compile(FilterParser.parse(filter), CustomerQueries.SCHEMA);
        int max = Params.intBetween("limit", limit, 100, 1, 1000);
        return callers.current().chain(caller -> customers.groups(caller, grouping, where, max + 1)).map(rows -> {
            List<Map<String, Object>> groups = new ArrayList<>();
            for (Object[] row : rows.subList(0, Math.min(rows.size(), max))) {
                Map<String, Object> key = new LinkedHashMap<>();
                for (int i = 0; i < grouping.dimensions().size(); i++) {
                    key.put(grouping.dimensions().get(i), row[i]);
                }
                Map<String, Object> group = new LinkedHashMap<>();
                group.put("key", key);
                group.put("count", ((Number) row[grouping.dimensions().size()]).longValue());
                if (!grouping.sums().isEmpty()) {
                    Map<String, Object> sums = new LinkedHashMap<>();
                    for (int i = 0; i < grouping.sums().size(); i++) {
                        Object value = row[grouping.dimensions().size() + 1 + i];
                        sums.put(grouping.sums().get(i), value == null ? BigDecimal.ZERO : value);
                    }
                    group.put("sums", sums);
                }
                groups.add(group);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("groups", groups);
            body.put("truncated", rows.size() > max);
            return Response.ok(body).build();
        });
    }

    @GET
    @Path("/lookup")
    @PermissionsAllowed("customers:read")
    public Uni<Response> lookup(@QueryParam("email") String email, @QueryParam("phone") String phone,
            @QueryParam("externalId") String externalId, @QueryParam("region") String region) {
        NaturalKey key = naturalKey(email, phone, externalId, region);
        return callers.current().chain(caller -> customers.lookup(caller, key))
                .chain(c -> access.reveal().map(reveal -> Response.ok(mapper.toView(c, reveal)).tag(etag(c)).build()));
    }

    @GET
    @Path("/{id}")
    @PermissionsAllowed("customers:read")
    public Uni<Response> get(@PathParam("id") String id, @QueryParam("fields") String fields,
            @QueryParam("asOf") String asOf, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        UUID uuid = Params.uuid(id);
        SparseFields sparse = SparseFields.parse(fields, CustomerQueries.FIELDS);
        if (asOf != null) {
            Instant instant = instant(asOf);
            return callers.current().chain(caller -> customers.asOf(caller, uuid, instant))
                    .map(entry -> Response.ok(sparse.apply(entry.snapshot().deepCopy()))
                            .tag(ETags.tag(entry.version())).build());
        }
        return callers.current().chain(caller -> customers.get(caller, uuid)).chain(c -> {
            if (ETags.noneMatch(ifNoneMatch, c.version)) {
                return Uni.createFrom().item(Response.notModified(etag(c)).build());
            }
            return access.reveal().map(reveal -> {
                CustomerView view = mapper.toView(c, reveal);
                // Without a field selection the view is written directly, skipping the tree round trip.
                Object body = sparse.all() ? view : sparse.apply(json.valueToTree(view));
                return Response.ok(body).tag(etag(c)).build();
            });
        });
    }

    @GET
    @Path("/{id}/history")
    @PermissionsAllowed("customers:read")
    public Uni<Response> history(@PathParam("id") String id, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        UUID uuid = Params.uuid(id);
        PageRequest<HistoryEntry> page = pager.request("customer-history:" + uuid, HistoryPages.SCHEMA, null,
                null, "-id", limit, cursor);
        return callers.current()
                .chain(caller -> customers.history(caller, uuid, page.where(), page.orderBy(), page.fetchSize(),
                        cursor == null))
                .map(rows -> Response.ok(pager.body(page, rows, HistoryPages::view)).build());
    }


    private static Instant instant(String value) {
        try {
            return Instant.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(value).toInstant();
            } catch (java.time.format.DateTimeParseException again) {
                throw ProblemException.invalidParameter("asOf must be an RFC 3339 date-time, e.g. 2026-01-31T12:00:00Z");
            }
        }
    }

    @PATCH
    @Path("/{id}")
    @Consumes(MERGE_PATCH)
    @PermissionsAllowed("customers:write")
    public Uni<Response> update(@PathParam("id") String id, String body,
            @QueryParam("onDuplicate") String onDuplicate, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        DuplicatePolicy policy = policy(onDuplicate, false);
        JsonNode patch = patcher.parse(body);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current()
                .chain(caller -> customers.update(caller, RequestIds.of(request), uuid, precondition, policy,
                        current -> mapper.patch(current, patch)))
                .map(c -> Response.ok(mapper.toView(c)).tag(etag(c)).build());
    }

    @DELETE
    @Path("/{id}")
    @PermissionsAllowed("customers:delete")
    public Uni<Response> delete(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current()
                .chain(caller -> customers.delete(caller, RequestIds.of(request), uuid, precondition))
                .replaceWith(Response.noContent().build());
    }

    private static jakarta.ws.rs.core.EntityTag etag(Customer c) {
        return ETags.tag(c.version);
    }

    static NaturalKey naturalKey(String email, String phone, String externalId, String region) {
        long given = java.util.stream.Stream.of(email, phone, externalId).filter(v -> v != null).count();
        if (given != 1) {
            throw ProblemException.invalidParameter("give exactly one of email, phone or externalId");
        }
        if (email != null) {
            return new NaturalKey(NaturalKey.Kind.EMAIL, ContactPoints.email(email)
                    .orElseThrow(() -> ProblemException.invalidParameter("email is not a valid email address")));
        }
        if (phone != null) {
            if (region != null && !ContactPoints.isRegion(region)) {
                throw ProblemException.invalidParameter("region is not an ISO 3166-1 alpha-2 region");
            }
            return new NaturalKey(NaturalKey.Kind.PHONE, ContactPoints.phone(phone, region)
                    .orElseThrow(() -> ProblemException.invalidParameter("phone is not a valid phone number")));
        }
        return new NaturalKey(NaturalKey.Kind.EXTERNAL_ID, externalId.strip());
    }

    /**
     * The customer's timeline: its own changes and what other modules contribute through
     * {@link TimelineSource} beans (activities, tasks, opportunities...).
     */
    @GET
    @Path("/{id}/timeline")
    @PermissionsAllowed("customers:read")
    public Uni<Response> timeline(@PathParam("id") String id, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        UUID uuid = Params.uuid(id);
        int max = Params.intBetween("limit", limit, Pager.DEFAULT_LIMIT, 1, Pager.MAX_LIMIT);
        return callers.current().chain(caller -> io.quarkus.hibernate.reactive.panache.Panache.withSession(
                () -> customers.get(caller, uuid).chain(c -> timeline.page(caller, uuid, max, cursor))))
                .map(body -> Response.ok(body).build());
    }
}
