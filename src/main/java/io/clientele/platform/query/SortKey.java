package io.clientele.platform.query;

import java.util.Objects;

/** One {@code sort} entry: a sortable field and its direction. */
public record SortKey<T>(QueryField<T> field, boolean descending) {

    public SortKey {
        Objects.requireNonNull(field, "field");
        if (!field.sortable()) {
            throw new IllegalArgumentException("field is not sortable: " + field.name());
        }
    }

    /** The key in {@code sort} syntax, e.g. {@code -createdAt}. */
    public String canonical() {
        return (descending ? "-" : "") + field.name();
    }
}
