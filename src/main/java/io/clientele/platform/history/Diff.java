package io.clientele.platform.history;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/** Top-level field differences between two JSON representations of a record. */
public final class Diff {

    private Diff() {
    }

    public static List<FieldChange> of(JsonNode before, JsonNode after, Set<String> ignored) {
        Set<String> fields = new LinkedHashSet<>();
        names(before, fields);
        names(after, fields);
        List<FieldChange> changes = new ArrayList<>();
        for (String field : fields) {
            if (ignored.contains(field)) {
                continue;
            }
            JsonNode old = before == null ? null : present(before.get(field));
            JsonNode value = after == null ? null : present(after.get(field));
            if (!Objects.equals(old, value)) {
                changes.add(new FieldChange(field, old, value));
            }
        }
        return changes;
    }

    /** Names of the entries that differ between two flat representations, in {@code before}'s order. */
    public static List<String> changedFields(Map<String, Object> before, Map<String, Object> after,
            Set<String> ignored) {
        Set<String> fields = new LinkedHashSet<>(before.keySet());
        fields.addAll(after.keySet());
        List<String> changed = new ArrayList<>();
        for (String field : fields) {
            if (!ignored.contains(field) && !Objects.equals(before.get(field), after.get(field))) {
                changed.add(field);
            }
        }
        return changed;
    }

    private static void names(JsonNode node, Set<String> into) {
        if (node != null) {
            Iterator<String> it = node.fieldNames();
            it.forEachRemaining(into::add);
        }
    }

    /** Null, empty arrays and empty objects all mean "no value", so they never show as changes. */
    private static JsonNode present(JsonNode node) {
        if (node == null || node.isNull() || (node.isContainerNode() && node.isEmpty())) {
            return null;
        }
        return node;
    }
}
