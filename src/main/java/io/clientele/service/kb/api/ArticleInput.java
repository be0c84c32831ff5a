package io.clientele.service.kb.api;

import java.util.ArrayList;
import java.util.IllformedLocaleException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import io.clientele.platform.errors.ValidationErrors;
import io.clientele.service.kb.Article;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of an article create, and the document an article merge patch applies to. */
@RegisterForReflection
public record ArticleInput(String title, String body, List<String> tags, String locale, String status) {

    static final int MAX_BODY = 100_000;
    static final int MAX_TAGS = 20;
    private static final Pattern CONTROL_EXCEPT_LINES = Pattern.compile("[\\p{Cntrl}&&[^\\n\\r\\t]]");

    static ArticleInput of(Article.Draft d) {
        return new ArticleInput(d.title(), d.body(), d.tags(), d.locale(), d.status());
    }

    Article.Draft toDraft() {
        ValidationErrors errors = new ValidationErrors();
        String checkedTitle = errors.requiredText("/title", title, 300);
        String checkedBody = body == null ? null : body.strip();
        if (checkedBody == null || checkedBody.isEmpty()) {
            errors.add("/body", "is required");
        } else if (checkedBody.length() > MAX_BODY) {
            errors.add("/body", "must be at most " + MAX_BODY + " characters");
        } else if (CONTROL_EXCEPT_LINES.matcher(checkedBody).find()) {
            errors.add("/body", "must not contain control characters other than line breaks and tabs");
        }
        LinkedHashSet<String> checkedTags = new LinkedHashSet<>();
        if (tags != null) {
            if (tags.size() > MAX_TAGS) {
                errors.add("/tags", "at most " + MAX_TAGS + " tags");
            }
            for (int i = 0; i < tags.size(); i++) {
                String tag = errors.requiredText("/tags/" + i, tags.get(i), 50);
                if (tag != null) {
                    checkedTags.add(tag.toLowerCase(Locale.ROOT));
                }
            }
        }
        String checkedLocale = locale(errors, locale);
        String checkedStatus = status == null ? Article.DRAFT : status;
        if (!Article.DRAFT.equals(checkedStatus) && !Article.PUBLISHED.equals(checkedStatus)) {
            errors.add("/status", "must be draft or published");
        }
        errors.throwIfAny();
        return new Article.Draft(checkedTitle, checkedBody, new ArrayList<>(checkedTags), checkedLocale, checkedStatus);
    }

    /** A BCP 47 language tag such as {@code en}, {@code zh-CN} or {@code zh-Hant-TW}, in its canonical case. */
    static String locale(ValidationErrors errors, String value) {
        if (value == null || value.isBlank()) {
            errors.add("/locale", "is required");
            return null;
        }
        try {
            Locale parsed = new Locale.Builder().setLanguageTag(value.strip()).build();
            if (parsed.getLanguage().isEmpty()) {
                errors.add("/locale", "must name a language, e.g. en or zh-CN");
                return null;
            }
            return parsed.toLanguageTag();
        } catch (IllformedLocaleException e) {
            errors.add("/locale", "must be a BCP 47 language tag, e.g. en or zh-CN");
            return null;
        }
    }
}
