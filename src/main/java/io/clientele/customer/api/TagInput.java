package io.clientele.customer.api;

import java.util.Locale;
import java.util.regex.Pattern;

import io.clientele.customer.domain.TagService.TagDraft;
import io.clientele.platform.errors.ValidationErrors;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of a tag create, and the document a tag merge patch applies to. */
@RegisterForReflection
public record TagInput(String name, String color) {

    private static final Pattern COLOR = Pattern.compile("#[0-9a-fA-F]{6}");

    TagDraft toDraft() {
        ValidationErrors errors = new ValidationErrors();
        String checkedName = errors.requiredText("/name", name, 64);
        String checkedColor = errors.text("/color", color, 7);
        if (checkedColor != null && !COLOR.matcher(checkedColor).matches()) {
            errors.add("/color", "must be a #rrggbb colour");
        }
        errors.throwIfAny();
        return new TagDraft(checkedName, checkedColor == null ? null : checkedColor.toLowerCase(Locale.ROOT));
    }
}
