package io.clientele.service.kb.api;

import java.net.URI;
import java.nio.charset.StandardCharsets;
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

import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ValidationErrors;
import io.clientele.platform.http.ETags;
import io.clientele.platform.http.Params;
import io.clientele.platform.http.RequestIds;
import io.clientele.platform.idempotency.Idempotency;
import io.clientele.platform.json.MergePatcher;
import io.clientele.platform.paging.PageRequest;
import io.clientele.platform.paging.Pager;
import io.clientele.platform.query.CursorCodec;
import io.clientele.platform.query.CursorState;
import io.clientele.platform.query.FieldType;
import io.clientele.platform.query.QueryField;
import io.clientele.platform.query.QuerySchema;
import io.clientele.platform.security.CallerContext;
import io.clientele.service.kb.Article;
import io.clientele.service.kb.ArticleRepository.Hit;
import io.clientele.service.kb.KnowledgeBase;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** REST edge of the knowledge base: {@code /v1/kb/...}. */
@Path("/v1/kb")
@Produces(MediaType.APPLICATION_JSON)
public class ArticleResource {

    static final String MERGE_PATCH = "application/merge-patch+json";
    /** Ranked results are paged by position; deeper than this nobody reads, and OFFSET grows costly. */
    static final int MAX_SEARCH_DEPTH = 1000;

    static final QuerySchema<Article> SCHEMA = QuerySchema.<Article>builder()
            .idField("id", "id", a -> a.id)
            .field(QueryField.<Article>of("title", "title", FieldType.CI_STRING).sortable(a -> a.title))
            .field(QueryField.<Article>of("status", "status", FieldType.ENUM).enumValues(Article.DRAFT, Article.PUBLISHED))
            .field(QueryField.<Article>of("locale", "locale", FieldType.STRING))
            .field(QueryField.<Article>of("tags", "tags", FieldType.ARRAY))
            .sortableField("createdAt", "created_at", FieldType.INSTANT, a -> a.createdAt)
            .sortableField("updatedAt", "updated_at", FieldType.INSTANT, a -> a.updatedAt)
            .build();

    private final KnowledgeBase kb;
    private final CallerContext callers;
    private final Idempotency idempotency;
    private final Pager pager;
    private final MergePatcher patcher;
    private final CursorCodec cursors;

    ArticleResource(KnowledgeBase kb, CallerContext callers, Idempotency idempotency, Pager pager,
            MergePatcher patcher, ClienteleConfig config) {
        this.kb = kb;
        this.callers = callers;
        this.idempotency = idempotency;
        this.pager = pager;
        this.patcher = patcher;
        this.cursors = new CursorCodec(config.cursor().secret().getBytes(StandardCharsets.UTF_8));
    }

    @POST
    @Path("/articles")
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("kb:write")
    public Uni<Response> create(ArticleInput body, @HeaderParam(Idempotency.HEADER) String key,
            HttpServerRequest request) {
        Params.requireBody(body);
        return callers.current().chain(caller -> idempotency.run(caller, key, "POST /v1/kb/articles", body,
                () -> kb.create(caller, RequestIds.of(request), body.toDraft())
                        .map(a -> Response.created(URI.create("/v1/kb/articles/" + a.id)).tag(ETags.tag(a.version))
                                .entity(a.view()).build())));
    }

    @GET
    @Path("/articles")
    @PermissionsAllowed("kb:read")
    public Uni<Response> list(@QueryParam("filter") String filter, @QueryParam("sort") String sort,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        PageRequest<Article> page = pager.request("kb-articles", SCHEMA, filter, sort, "-updatedAt", limit, cursor);
        return callers.current().chain(caller -> kb.list(caller, page.where(), page.orderBy(), page.fetchSize()))
                .map(rows -> Response.ok(pager.body(page, rows, Article::summary)).build());
    }

    @GET
    @Path("/articles/{id}")
    @PermissionsAllowed("kb:read")
    public Uni<Response> get(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        UUID uuid = Params.uuid(id);
        return callers.current().chain(caller -> kb.get(caller, uuid))
                .map(a -> ETags.read(ifNoneMatch, a.version, () -> a.view()));
    }

    @PATCH
    @Path("/articles/{id}")
    @Consumes(MERGE_PATCH)
    @PermissionsAllowed("kb:write")
    public Uni<Response> update(@PathParam("id") String id, String body,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        var patch = patcher.parse(body);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current()
                .chain(caller -> kb.update(caller, RequestIds.of(request), uuid, precondition,
                        current -> patcher.apply(ArticleInput.of(current), patch, ArticleInput.class).toDraft()))
                .map(a -> Response.ok(a.view()).tag(ETags.tag(a.version)).build());
    }

    @DELETE
    @Path("/articles/{id}")
    @PermissionsAllowed("kb:write")
    public Uni<Response> delete(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        var precondition = ETags.requireIfMatch(ifMatch);
        return callers.current().chain(caller -> kb.delete(caller, RequestIds.of(request), uuid, precondition))
                .replaceWith(Response.noContent().build());
    }

    @GET
    @Path("/search")
    @PermissionsAllowed("kb:read")
    public Uni<Response> search(@QueryParam("q") String q, @QueryParam("status") String status,
            @QueryParam("locale") String locale, @QueryParam("tag") String tag, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        if (q == null || q.isBlank() || q.length() > 500) {
            throw ProblemException.invalidParameter("q: give a search text of 1 to 500 characters");
        }
        if (status != null && !Article.DRAFT.equals(status) && !Article.PUBLISHED.equals(status)) {
            throw ProblemException.invalidParameter("status: must be draft or published");
        }
        String normalizedLocale = null;
        if (locale != null) {
            ValidationErrors errors = new ValidationErrors();
            normalizedLocale = ArticleInput.locale(errors, locale);
            if (!errors.isEmpty()) {
                throw ProblemException.invalidParameter("locale: must be a BCP 47 language tag, e.g. en or zh-CN");
            }
        }
        String normalizedTag = tag == null ? null : tag.strip().toLowerCase(java.util.Locale.ROOT);
        int size = Params.intBetween("limit", limit, 20, 1, 100);
        String fingerprint = "kb-search\n" + q + "\n" + status + "\n" + normalizedLocale + "\n" + normalizedTag;
        int offset = cursor == null || cursor.isEmpty() ? 0
                : ((Number) cursors.decode(cursor, fingerprint).lastValues().get(0)).intValue();
        int fetch = Math.min(size, MAX_SEARCH_DEPTH - offset);
        String loc = normalizedLocale;
        return callers.current()
                .chain(caller -> fetch <= 0 ? Uni.createFrom().item(List.<Hit>of())
                        : kb.search(caller, q, status, loc, normalizedTag, offset, fetch + 1))
                .map(hits -> {
                    List<Hit> items = hits.size() > fetch ? hits.subList(0, fetch) : hits;
                    String next = hits.size() > fetch
                            ? cursors.encode(new CursorState(fingerprint, List.of((long) offset + fetch)))
                            : null;
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("items", items.stream().map(ArticleResource::hit).toList());
                    body.put("nextCursor", next);
                    return Response.ok(body).build();
                });
    }

    /** Text to suggest articles for, e.g. a draft ticket's subject and body. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record SuggestionInput(String subject, String body, String locale, Integer limit) {
    }

    @POST
    @Path("/suggestions")
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("kb:read")
    public Uni<Response> suggestions(SuggestionInput input) {
        Params.requireBody(input);
        ValidationErrors errors = new ValidationErrors();
        if ((input.subject() == null || input.subject().isBlank()) && (input.body() == null || input.body().isBlank())) {
            errors.add("/subject", "give a subject, a body or both");
        }
        if (input.subject() != null && input.subject().length() > 1000) {
            errors.add("/subject", "must be at most 1000 characters");
        }
        if (input.body() != null && input.body().length() > 100_000) {
            errors.add("/body", "must be at most 100000 characters");
        }
        String locale = input.locale() == null ? null : ArticleInput.locale(errors, input.locale());
        int limit = input.limit() == null ? 5 : input.limit();
        if (limit < 1 || limit > 20) {
            errors.add("/limit", "must be between 1 and 20");
        }
        errors.throwIfAny();
        return callers.current().chain(caller -> kb.suggest(caller, input.subject(), input.body(), locale, limit))
                .map(hits -> Response.ok(Map.of("items", hits.stream().map(ArticleResource::hit).toList())).build());
    }

    /** A vote on an article; {@code voter} identifies an end customer when a portal votes for them. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record FeedbackInput(Boolean helpful, String comment, String voter) {
    }

    @POST
    @Path("/articles/{id}/feedback")
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("kb:read")
    public Uni<Response> feedback(@PathParam("id") String id, FeedbackInput input,
            @HeaderParam(Idempotency.HEADER) String key, HttpServerRequest request) {
        UUID uuid = Params.uuid(id);
        Params.requireBody(input);
        ValidationErrors errors = new ValidationErrors();
        if (input.helpful() == null) {
            errors.add("/helpful", "is required (true or false)");
        }
        String comment = errors.text("/comment", input.comment(), 2000);
        String voter = errors.text("/voter", input.voter(), 200);
        errors.throwIfAny();
        return callers.current().chain(caller -> idempotency.run(caller, key,
                "POST /v1/kb/articles/" + uuid + "/feedback", input,
                () -> kb.feedback(caller, RequestIds.of(request), uuid, voter == null ? caller.principal() : voter,
                        input.helpful(), comment).map(a -> Response.ok(a.summary()).build())));
    }

    static Map<String, Object> hit(Hit hit) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("article", hit.article().summary());
        view.put("score", Math.round(hit.score() * 1e6) / 1e6);
        view.put("excerpt", excerpt(hit.article().body));
        return view;
    }

    /** The start of the body, cut at a word boundary where there is one. */
    static String excerpt(String body) {
        if (body.length() <= 200) {
            return body;
        }
        int cut = body.lastIndexOf(' ', 200);
        return body.substring(0, cut > 100 ? cut : 200) + "…";
    }

}
