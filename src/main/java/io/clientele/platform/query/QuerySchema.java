package io.clientele.platform.query;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The fields one resource exposes to {@code filter} and {@code sort}, plus optional free-form JSON
 * attributes ({@code attributes.<key>}) and the id field used as the final sort tie-breaker.
 * Immutable and thread-safe; build one per resource and keep it in a static constant.
 *
 * @param <T> the entity type sort values are extracted from
 */
public final class QuerySchema<T> {

    /** Allowed JSON attribute keys; the key is bound as a parameter, the pattern keeps messages sane. */
    public static final Pattern ATTRIBUTE_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

    private final Map<String, QueryField<T>> fields;
    private final String jsonPrefix;
    private final String jsonColumn;
    private final QueryField<T> idField;

    private QuerySchema(Builder<T> b) {
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(b.fields));
        this.jsonPrefix = b.jsonPrefix;
        this.jsonColumn = b.jsonColumn;
        this.idField = b.idField;
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /** The field with this API name (including the id field), if any. */
    public Optional<QueryField<T>> field(String name) {
        return Optional.ofNullable(fields.get(name));
    }

    /** All fields in declaration order, the id field included. */
    public Collection<QueryField<T>> fields() {
        return fields.values();
    }

    public QueryField<T> idField() {
        return idField;
    }

    /** Selector prefix of JSON attributes (e.g. {@code attributes}), or null when not enabled. */
    public String jsonPrefix() {
        return jsonPrefix;
    }

    /** The jsonb column (trusted SQL) holding the attributes, or null when not enabled. */
    public String jsonColumn() {
        return jsonColumn;
    }

    /** Human-readable list of what may appear in a filter, for error messages. */
    String filterableDescription() {
        List<String> names = new ArrayList<>();
        for (QueryField<T> f : fields.values()) {
            if (f.filterable()) {
                names.add(f.name());
            }
        }
        if (jsonPrefix != null) {
            names.add(jsonPrefix + ".<key>");
        }
        return String.join(", ", names);
    }

    /** Human-readable list of sortable fields, for error messages. */
    String sortableDescription() {
        List<String> names = new ArrayList<>();
        for (QueryField<T> f : fields.values()) {
            if (f.sortable()) {
                names.add(f.name());
            }
        }
        return String.join(", ", names);
    }

    /** Fluent builder; {@link #idField} is required. */
    public static final class Builder<T> {
        private final Map<String, QueryField<T>> fields = new LinkedHashMap<>();
        private String jsonPrefix;
        private String jsonColumn;
        private QueryField<T> idField;

        private Builder() {
        }

        public Builder<T> field(QueryField<T> field) {
            Objects.requireNonNull(field, "field");
            if (fields.putIfAbsent(field.name(), field) != null) {
                throw new IllegalArgumentException("duplicate field: " + field.name());
            }
            return this;
        }

        /** Shorthand for a filterable, non-sortable field. */
        public Builder<T> field(String name, String sql, FieldType type) {
            return field(QueryField.<T>of(name, sql, type));
        }

        /** Shorthand for a filterable and sortable field. */
        public Builder<T> sortableField(String name, String sql, FieldType type, Function<T, Object> extractor) {
            return field(QueryField.<T>of(name, sql, type).sortable(extractor));
        }

        /** Enables {@code <prefix>.<key>} selectors on the jsonb column {@code jsonbColumn} (filter only). */
        public Builder<T> jsonAttributes(String prefix, String jsonbColumn) {
            if (prefix == null || !ATTRIBUTE_KEY.matcher(prefix).matches()) {
                throw new IllegalArgumentException("invalid JSON attribute prefix: " + prefix);
            }
            if (jsonbColumn == null || jsonbColumn.isBlank()) {
                throw new IllegalArgumentException("jsonb column is required");
            }
            this.jsonPrefix = prefix;
            this.jsonColumn = jsonbColumn;
            return this;
        }

        /** The unique, non-null id (a uuid column), filterable and sortable; always the last sort key. */
        public Builder<T> idField(String name, String sql, Function<T, Object> extractor) {
            return idField(QueryField.<T>of(name, sql, FieldType.UUID).sortable(extractor));
        }

        /** A unique, non-null id field of another type. */
        public Builder<T> idField(QueryField<T> field) {
            if (!field.sortable()) {
                throw new IllegalArgumentException("the id field must be sortable: " + field.name());
            }
            if (idField != null) {
                throw new IllegalStateException("id field already set: " + idField.name());
            }
            field(field);
            this.idField = field;
            return this;
        }

        public QuerySchema<T> build() {
            if (idField == null) {
                throw new IllegalStateException("a QuerySchema needs an id field (the sort tie-breaker)");
            }
            if (jsonPrefix != null && fields.containsKey(jsonPrefix)) {
                throw new IllegalStateException("JSON attribute prefix clashes with field: " + jsonPrefix);
            }
            for (QueryField<T> f : fields.values()) {
                if (f.type() == FieldType.ENUM && f.enumValues().isEmpty()) {
                    throw new IllegalStateException("ENUM field '" + f.name() + "' has no enumValues");
                }
            }
            return new QuerySchema<>(this);
        }
    }
}
