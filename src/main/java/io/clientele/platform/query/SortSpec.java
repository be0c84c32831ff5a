package io.clientele.platform.query;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A parsed {@code sort} parameter, e.g. {@code -createdAt,displayName}. It always ends with the
 * schema's id field (ascending unless given), so the order is total and keyset pagination is exact.
 * Immutable and thread-safe.
 *
 * <p>Sort expressions are assumed NOT NULL: a schema author maps a nullable column to a sortable
 * field only through COALESCE, because keyset conditions compare with plain {@code <}/{@code >}.
 */
public final class SortSpec<T> {

    /** Longest accepted {@code sort} parameter. */
    public static final int MAX_LENGTH = 512;

    private final List<SortKey<T>> keys;

    private SortSpec(List<SortKey<T>> keys) {
        this.keys = List.copyOf(keys);
    }

    /**
     * Parses {@code sortParam}, falling back to {@code defaultSort} when it is null or blank (and to the
     * id alone when both are). An invalid default is a programming error (IllegalArgumentException).
     */
    public static <T> SortSpec<T> parse(String sortParam, QuerySchema<T> schema, String defaultSort) {
        if (sortParam != null && !sortParam.isBlank()) {
            return parseStrict(sortParam, schema);
        }
        if (defaultSort == null || defaultSort.isBlank()) {
            return parseStrict(null, schema);
        }
        try {
            return parseStrict(defaultSort, schema);
        } catch (InvalidSortException e) {
            throw new IllegalArgumentException("invalid default sort '" + defaultSort + "': " + e.getMessage(), e);
        }
    }

    private static <T> SortSpec<T> parseStrict(String param, QuerySchema<T> schema) {
        List<SortKey<T>> keys = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        if (param != null) {
            if (param.length() > MAX_LENGTH) {
                throw new InvalidSortException("sort is too long: " + param.length() + " characters (at most "
                        + MAX_LENGTH + ")");
            }
            for (String raw : param.split(",", -1)) {
                String item = raw.strip();
                boolean descending = false;
                // '+' is accepted because an unencoded '+' in a query string already arrives as a space.
                if (item.startsWith("-") || item.startsWith("+")) {
                    descending = item.charAt(0) == '-';
                    item = item.substring(1).strip();
                }
                if (item.isEmpty()) {
                    throw new InvalidSortException("empty field name in sort '" + SqlFilterCompiler.echo(param)
                            + "'; expected e.g. -createdAt,displayName");
                }
                QueryField<T> field = schema.field(item).orElse(null);
                if (field == null) {
                    throw new InvalidSortException("unknown sort field '" + SqlFilterCompiler.echo(item)
                            + "'; sortable: " + schema.sortableDescription());
                }
                if (!field.sortable()) {
                    throw new InvalidSortException("field '" + item + "' cannot be sorted on; sortable: "
                            + schema.sortableDescription());
                }
                if (!seen.add(item)) {
                    throw new InvalidSortException("field '" + item + "' appears more than once in sort");
                }
                keys.add(new SortKey<>(field, descending));
            }
        }
        if (!seen.contains(schema.idField().name())) {
            keys.add(new SortKey<>(schema.idField(), false));
        }
        return new SortSpec<>(keys);
    }

    public List<SortKey<T>> keys() {
        return keys;
    }

    /** ORDER BY body, e.g. {@code display_name ASC, id ASC}. */
    public String orderBy() {
        return keys.stream()
                .map(k -> k.field().sql() + (k.descending() ? " DESC" : " ASC"))
                .collect(Collectors.joining(", "));
    }

    /** The entity's values of the sort keys, in order, normalised to cursor-encodable types. */
    public List<Object> valuesOf(T entity) {
        List<Object> values = new ArrayList<>(keys.size());
        for (SortKey<T> key : keys) {
            values.add(SortValues.normalize(key.field(), key.field().extractor().apply(entity)));
        }
        return List.copyOf(values);
    }

    /** Normalised sort text including the id tie-breaker, e.g. {@code -createdAt,id}. */
    public String canonical() {
        return keys.stream().map(SortKey::canonical).collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SortSpec<?> other && other.keys.equals(keys);
    }

    @Override
    public int hashCode() {
        return keys.hashCode();
    }

    @Override
    public String toString() {
        return canonical();
    }
}
