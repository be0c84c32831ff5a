package io.clientele.platform.http;

import java.util.LinkedHashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.clientele.platform.errors.ProblemException;

/** The {@code fields} parameter: which top-level properties a client wants; {@code id} always comes. */
public record SparseFields(Set<String> fields) {

    public static final SparseFields ALL = new SparseFields(Set.of());

    public static SparseFields parse(String param, Set<String> known) {
        if (param == null || param.isBlank()) {
            return ALL;
        }
        Set<String> fields = new LinkedHashSet<>();
        for (String f : param.split(",")) {
            String name = f.trim();
            if (!known.contains(name)) {
                throw ProblemException.invalidParameter("fields: unknown field '" + name + "'; known: "
                        + String.join(", ", known));
            }
            fields.add(name);
        }
        fields.add("id");
        return new SparseFields(fields);
    }

    public boolean all() {
        return fields.isEmpty();
    }

    public ObjectNode apply(ObjectNode node) {
        if (!all()) {
            node.retain(fields);
        }
        return node;
    }
}
