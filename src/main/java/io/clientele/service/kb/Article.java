package io.clientele.service.kb;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.clientele.platform.persistence.TenantRecord;

/** A knowledge-base article; only published ones are offered as suggestions. */
@Entity
@Table(name = "kb_article")
public class Article extends TenantRecord {

    public static final String DRAFT = "draft";
    public static final String PUBLISHED = "published";

    @Column(nullable = false)
    public String title;

    @Column(nullable = false)
    public String body;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false)
    public String[] tags = new String[0];

    @Column(nullable = false)
    public String locale;

    @Column(nullable = false)
    public String status = DRAFT;

    @Column(name = "published_at")
    public Instant publishedAt;

    @Column(name = "helpful_count", nullable = false)
    public int helpfulCount;

    @Column(name = "not_helpful_count", nullable = false)
    public int notHelpfulCount;

    /** Segmented title and body ({@link TextSegmenter}); the search index is built from them. */
    @Column(name = "title_terms", nullable = false)
    public String titleTerms;

    @Column(name = "body_terms", nullable = false)
    public String bodyTerms;

    /** An article's writable state. */
    public record Draft(String title, String body, List<String> tags, String locale, String status) {
    }

    public Draft toDraft() {
        return new Draft(title, body, List.of(tags), locale, status);
    }

    /** Applies a draft; the search terms follow the text. */
    public void apply(Draft draft) {
        title = draft.title();
        body = draft.body();
        tags = draft.tags().toArray(String[]::new);
        locale = draft.locale();
        if (PUBLISHED.equals(draft.status()) && !PUBLISHED.equals(status)) {
            publishedAt = now();
        }
        status = draft.status();
        titleTerms = TextSegmenter.indexTerms(title);
        bodyTerms = TextSegmenter.indexTerms(body);
    }

    /** The representation shown by the API and carried by events. */
    public Map<String, Object> view() {
        Map<String, Object> view = summary();
        view.put("body", body);
        return view;
    }

    /** Everything but the body, for search results and suggestions. */
    public Map<String, Object> summary() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id.toString());
        view.put("title", title);
        view.put("tags", List.of(tags));
        view.put("locale", locale);
        view.put("status", status);
        if (publishedAt != null) {
            view.put("publishedAt", publishedAt.toString());
        }
        view.put("helpfulCount", helpfulCount);
        view.put("notHelpfulCount", notHelpfulCount);
        view.put("version", version);
        view.put("createdAt", createdAt.toString());
        view.put("updatedAt", updatedAt.toString());
        return view;
    }
}
