package io.clientele.service.kb;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.history.Diff;
import io.clientele.platform.http.ETags.Precondition;
import io.clientele.platform.outbox.DomainEvent;
import io.clientele.platform.outbox.Outbox;
import io.clientele.platform.persistence.TenantRecord;
import io.clientele.platform.query.SqlFragment;
import io.clientele.platform.security.Caller;
import io.clientele.service.kb.ArticleRepository.Hit;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/** Knowledge-base use cases: articles, search, suggestions for a text, feedback; emits article.* events. */
@ApplicationScoped
public class KnowledgeBase {

    public static final String TOPIC = "clientele.kb";
    /** Most distinct terms of a ticket text that go into a suggestion query. */
    static final int SUGGESTION_TERMS = 40;

    private final ArticleRepository articles;
    private final Outbox outbox;

    KnowledgeBase(ArticleRepository articles, Outbox outbox) {
        this.articles = articles;
        this.outbox = outbox;
    }

    @WithTransaction
    public Uni<Article> create(Caller caller, String requestId, Article.Draft draft) {
        Article article = new Article();
        article.initialise(caller.tenantId());
        article.apply(draft);
        return articles.persist(article).call(saved -> outbox.record(caller, requestId,
                event(saved.id, "article.created", Map.of("article", saved.summary()))));
    }

    @WithTransaction
    public Uni<Article> update(Caller caller, String requestId, UUID id, Precondition precondition,
            UnaryOperator<Article.Draft> change) {
        return get(caller, id).chain(article -> {
            precondition.check(article.version);
            Map<String, Object> before = article.view();
            article.apply(change.apply(article.toDraft()));
            List<String> changed = Diff.changedFields(before, article.view(), Set.of());
            if (changed.isEmpty()) {
                return Uni.createFrom().item(article);
            }
            article.touch();
            return articles.flush().replaceWith(article).call(saved -> outbox.record(caller, requestId,
                    event(saved.id, "article.updated", Map.of("article", saved.summary(), "changedFields", changed))));
        });
    }

    @WithTransaction
    public Uni<Void> delete(Caller caller, String requestId, UUID id, Precondition precondition) {
        return get(caller, id).chain(article -> {
            precondition.check(article.version);
            return articles.delete(article).chain(() -> outbox.record(caller, requestId, event(article.id,
                    "article.deleted", Map.of("id", article.id.toString(), "deletedAt", TenantRecord.now().toString()))));
        });
    }

    @WithSession
    public Uni<Article> get(Caller caller, UUID id) {
        return articles.find(caller.tenantId(), id).onItem().ifNull()
                .failWith(() -> ProblemException.notFound("article", id));
    }

    @WithSession
    public Uni<List<Article>> list(Caller caller, SqlFragment where, String orderBy, int limit) {
        return articles.list(caller.tenantId(), where, orderBy, limit);
    }

    /** Articles containing every term of {@code query} (the last word also as a prefix), best first. */
    @WithSession
    public Uni<List<Hit>> search(Caller caller, String query, String status, String locale, String tag, int offset,
            int limit) {
        String tsquery = allOf(query);
        if (tsquery.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return articles.search(caller.tenantId(), tsquery, status, locale, tag, offset, limit);
    }

    /** Published articles sharing the most telling terms with a text (a ticket's subject and body), best first. */
    @WithSession
    public Uni<List<Hit>> suggest(Caller caller, String subject, String body, String locale, int limit) {
        // The subject says most about the question: its terms come first, so they survive the cap.
        List<String> terms = TextSegmenter.keyTerms((subject == null ? "" : subject) + "\n" + (body == null ? "" : body),
                SUGGESTION_TERMS);
        if (terms.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        String tsquery = terms.stream().map(KnowledgeBase::lexeme).collect(Collectors.joining(" | "));
        return articles.search(caller.tenantId(), tsquery, Article.PUBLISHED, locale, null, 0, limit);
    }

    /** Records whether an article helped; one vote per voter, a second one replaces the first. */
    @WithTransaction
    public Uni<Article> feedback(Caller caller, String requestId, UUID id, String voter, boolean helpful,
            String comment) {
        return get(caller, id).chain(article -> articles.vote(caller.tenantId(), id, voter, helpful, comment)
                .chain(() -> Panache.getSession().chain(session -> session.refresh(article)))
                .replaceWith(article)
                .call(a -> {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("articleId", a.id.toString());
                    data.put("helpful", helpful);
                    data.put("helpfulCount", a.helpfulCount);
                    data.put("notHelpfulCount", a.notHelpfulCount);
                    return outbox.record(caller, requestId, event(a.id, "article.feedback_received", data));
                }));
    }

    /** The AND query of a search text; the last word also matches as a prefix (search as you type). */
    static String allOf(String query) {
        List<String> terms = TextSegmenter.queryTerms(query);
        StringBuilder q = new StringBuilder();
        for (int i = 0; i < terms.size(); i++) {
            String term = terms.get(i);
            if (q.length() > 0) {
                q.append(" & ");
            }
            q.append(lexeme(term));
            if (i == terms.size() - 1 && !TextSegmenter.isCjk(term.codePointAt(0))) {
                q.append(":*");
            }
        }
        return q.toString();
    }

    /** A term quoted for to_tsquery; terms hold only letters and digits, the quoting is belt and braces. */
    private static String lexeme(String term) {
        return "'" + term.replace("'", "''").replace("\\", "\\\\") + "'";
    }

    private static DomainEvent event(UUID id, String type, Object data) {
        return new DomainEvent(TOPIC, "articles", id.toString(), type, data);
    }
}
