package io.clientele.customer.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.clientele.customer.domain.Survivorship;
import io.clientele.platform.errors.ValidationErrors;
import io.clientele.platform.http.Params;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of {@code POST /v1/customers/{id}/merge}. Reflection: bound by Jackson. */
@RegisterForReflection
public record MergeInput(List<String> mergeIds, String rule, Map<String, String> fields) {

    static final int MAX_MERGED = 10;

    /** Validated merge: ids to merge away, the rule, and per-field choices. */
    record Parsed(List<UUID> mergeIds, Survivorship.Rule rule, Map<String, UUID> choices) {
    }

    static Parsed parse(MergeInput in, UUID survivor) {
        Params.requireBody(in);
        ValidationErrors errors = new ValidationErrors();
        List<UUID> ids = new ArrayList<>();
        if (in.mergeIds() == null || in.mergeIds().isEmpty()) {
            errors.add("/mergeIds", "name at least one customer to merge into this one");
        } else if (in.mergeIds().size() > MAX_MERGED) {
            errors.add("/mergeIds", "at most " + MAX_MERGED + " customers can be merged at once");
        } else {
            LinkedHashSet<UUID> seen = new LinkedHashSet<>();
            for (int i = 0; i < in.mergeIds().size(); i++) {
                UUID id = uuid(in.mergeIds().get(i));
                if (id == null) {
                    errors.add("/mergeIds/" + i, "must be a customer id (UUID)");
                } else if (id.equals(survivor)) {
                    errors.add("/mergeIds/" + i, "is the survivor itself");
                } else if (!seen.add(id)) {
                    errors.add("/mergeIds/" + i, "is listed twice");
                }
            }
            ids.addAll(seen);
        }
        Survivorship.Rule rule = in.rule() == null ? Survivorship.Rule.NON_EMPTY : Survivorship.Rule.parse(in.rule());
        if (rule == null) {
            errors.add("/rule", "must be nonEmpty or newest");
        }
        Map<String, UUID> choices = new LinkedHashMap<>();
        if (in.fields() != null) {
            in.fields().forEach((field, value) -> {
                String pointer = "/fields/" + field.replace("~", "~0").replace("/", "~1");
                boolean known = Survivorship.CHOOSABLE.contains(field)
                        || (field.startsWith("attributes.") && field.length() > "attributes.".length());
                UUID id = uuid(value);
                if (!known) {
                    errors.add(pointer, "is not a field that can be chosen; use one of "
                            + String.join(", ", new java.util.TreeSet<>(Survivorship.CHOOSABLE)) + " or attributes.<key>");
                } else if (id == null) {
                    errors.add(pointer, "must be the id of the survivor or of one of mergeIds");
                } else {
                    choices.put(field, id);
                }
            });
        }
        errors.throwIfAny();
        return new Parsed(ids, rule, choices);
    }

    private static UUID uuid(String value) {
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
