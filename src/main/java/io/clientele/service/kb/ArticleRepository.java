package io.clientele.service.kb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.paging.PageQueries;
import io.clientele.platform.query.SqlFragment;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Article queries, full-text search and feedback votes; every one scoped to a tenant. */
@ApplicationScoped
public class ArticleRepository implements PanacheRepositoryBase<Article, UUID> {

    /** A ranked hit: the article and its relevance. */
    public record Hit(Article article, double score) {
    }

    public Uni<Article> find(String tenantId, UUID id) {
        return find("id = ?1 and tenantId = ?2", id, tenantId).firstResult();
    }

    public Uni<List<Article>> list(String tenantId, SqlFragment where, String orderBy, int limit) {
        return PageQueries.fetch(Article.class, "kb_article", tenantId, "TRUE", where, orderBy, limit);
    }

    /**
     * Articles matching a tsquery (text built by {@link KnowledgeBase}) in rank order, then id; {@code status},
     * {@code locale} and {@code tag} narrow when not null.
     */
    public Uni<List<Hit>> search(String tenantId, String tsquery, String status, String locale, String tag,
            int offset, int limit) {
        String sql = """
                SELECT CAST(a.id AS text), ts_rank(s.vector, q) AS score
                  FROM kb_article_search s JOIN kb_article a ON a.id = s.article_id, to_tsquery('simple', :q) q
                 WHERE s.tenant_id = :tenant AND s.vector @@ q AND a.tenant_id = :tenant
                   AND (CAST(:status AS text) IS NULL OR a.status = :status)
                   AND (CAST(:locale AS text) IS NULL OR a.locale = :locale)
                   AND (CAST(:tag AS text) IS NULL OR a.tags @> ARRAY[CAST(:tag AS text)])
                 ORDER BY score DESC, a.id
                 OFFSET :offset LIMIT :limit
                """;
        return getSession().chain(session -> session.createNativeQuery(sql, Object[].class)
                .setParameter("q", tsquery)
                .setParameter("tenant", tenantId)
                .setParameter("status", status)
                .setParameter("locale", locale)
                .setParameter("tag", tag)
                .setParameter("offset", offset)
                .setParameter("limit", limit)
                .getResultList())
                .chain(rows -> load(tenantId, rows));
    }

    private Uni<List<Hit>> load(String tenantId, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<UUID> ids = rows.stream().map(r -> UUID.fromString((String) r[0])).toList();
        return list("tenantId = ?1 and id in ?2", tenantId, ids).map(articles -> {
            Map<UUID, Article> byId = new HashMap<>();
            articles.forEach(a -> byId.put(a.id, a));
            List<Hit> hits = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                Article a = byId.get(ids.get(i));
                if (a != null) {
                    hits.add(new Hit(a, ((Number) rows.get(i)[1]).doubleValue()));
                }
            }
            return hits;
        });
    }

    /** Records (or changes) one voter's vote and recounts the article's counters. */
    public Uni<Void> vote(String tenantId, UUID articleId, String voter, boolean helpful, String comment) {
        return getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO kb_feedback (tenant_id, article_id, voter, helpful, comment, created_at)
                VALUES (:tenant, :article, :voter, :helpful, :comment, now())
                ON CONFLICT (article_id, voter) DO UPDATE
                   SET helpful = EXCLUDED.helpful, comment = EXCLUDED.comment, created_at = EXCLUDED.created_at
                """).setParameter("tenant", tenantId).setParameter("article", articleId).setParameter("voter", voter)
                .setParameter("helpful", helpful).setParameter("comment", comment).executeUpdate()
                .chain(() -> session.createNativeQuery("""
                        UPDATE kb_article a
                           SET helpful_count = f.yes, not_helpful_count = f.no
                          FROM (SELECT count(*) FILTER (WHERE helpful) AS yes, count(*) FILTER (WHERE NOT helpful) AS no
                                  FROM kb_feedback WHERE article_id = :article) f
                         WHERE a.id = :article AND a.tenant_id = :tenant
                        """).setParameter("article", articleId).setParameter("tenant", tenantId).executeUpdate()))
                .replaceWithVoid();
    }
}
