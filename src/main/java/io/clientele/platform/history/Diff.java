package io.clientele.platform.history;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
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
