package io.clientele.platform.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Multi-dimensional grouping over a schema: {@code by} names 1 to 3 dimensions (fields,
 * {@code attributes.<key>}, list fields such as tags, which count a record once per value, and
 * instants truncated with {@code :day|week|month|year}); {@code sum} names up to 3 numeric JSON
 * attributes to total per group. Compiles to one GROUP BY statement with bound parameters only.
 */
public final class GroupQuery {

    public static final int MAX_DIMENSIONS = 3;
    public static final int MAX_SUMS = 3;
    private static final Set<String> TRUNCATIONS = Set.of("day", "week", "month", "year");

    private final List<String> dimensions;
    private final List<String> sums;
    private final List<String> selects = new ArrayList<>();
    private final List<String> joins = new ArrayList<>();
    private final Map<String, Object> params = new LinkedHashMap<>();

    private GroupQuery(List<String> dimensions, List<String> sums) {
        this.dimensions = dimensions;
        this.sums = sums;
    }

    /** Parses {@code by} and {@code sum} (comma-separated) against {@code schema}. */
    public static GroupQuery of(QuerySchema<?> schema, String by, String sum) {
        List<String> dimensions = split(by);
        List<String> sums = split(sum);
        if (dimensions.isEmpty() || dimensions.size() > MAX_DIMENSIONS) {
            throw new QueryException("by: name 1 to " + MAX_DIMENSIONS + " dimensions, comma-separated");
        }
        if (sums.size() > MAX_SUMS) {
            throw new QueryException("sum: at most " + MAX_SUMS + " attributes");
        }
        if (dimensions.stream().distinct().count() != dimensions.size()) {
            throw new QueryException("by: a dimension is named twice");
        }
        GroupQuery query = new GroupQuery(dimensions, sums);
        for (String dimension : dimensions) {
            query.addDimension(schema, dimension);
        }
        for (String total : sums) {
            query.addSum(schema, total);
        }
        return query;
    }

    public List<String> dimensions() {
        return dimensions;
    }

    public List<String> sums() {
        return sums;
    }

    /**
     * The statement over {@code table} rows of one tenant matching {@code scope} and {@code where};
     * columns: the dimensions as text, the count, then the sums. Largest groups first.
     */
    public SqlFragment sql(String table, String scope, SqlFragment where, int limit) {
        Map<String, Object> all = new LinkedHashMap<>(params);
        all.putAll(where.params());
        all.put("g_limit", limit);
        List<String> groupBy = new ArrayList<>();
        for (int i = 1; i <= dimensions.size(); i++) {
            groupBy.add(String.valueOf(i));
        }
        List<String> columns = new ArrayList<>(selects);
        columns.add(dimensions.size(), "count(*)");
        String sql = "SELECT " + String.join(", ", columns) + " FROM " + table + " " + String.join(" ", joins)
                + " WHERE " + table + ".tenant_id = :tenant AND (" + scope + ") AND (" + where.sql() + ")"
                + " GROUP BY " + String.join(", ", groupBy)
                + " ORDER BY " + (dimensions.size() + 1) + " DESC, " + String.join(", ", groupBy)
                + " LIMIT :g_limit";
        return new SqlFragment(sql, all);
    }

    private void addDimension(QuerySchema<?> schema, String dimension) {
        String name = dimension;
        String truncation = null;
        int colon = dimension.indexOf(':');
        if (colon > 0) {
            name = dimension.substring(0, colon);
            truncation = dimension.substring(colon + 1).toLowerCase(Locale.ROOT);
        }
        String prefix = schema.jsonPrefix() == null ? null : schema.jsonPrefix() + ".";
        if (prefix != null && name.startsWith(prefix)) {
            String key = attributeKey(name.substring(prefix.length()), "by");
            String param = param("g_k");
            params.put(param, key);
            selects.add(schema.jsonColumn() + " ->> :" + param);
            requireNoTruncation(dimension, truncation);
            return;
        }
        QueryField<?> field = schema.field(name).filter(QueryField::filterable).orElseThrow(
                () -> new QueryException("by: cannot group by '" + dimension + "'; use a filterable field or "
                        + (prefix == null ? "" : prefix + "<key>")));
        if (field.type() == FieldType.ARRAY) {
            // One row per value: a record with two tags counts in both groups.
            String alias = "g_u" + (joins.size() + 1);
            joins.add("LEFT JOIN LATERAL unnest(" + field.sql() + ") AS " + alias + "(value) ON TRUE");
            selects.add(alias + ".value");
            requireNoTruncation(dimension, truncation);
        } else if (truncation != null) {
            if (field.type() != FieldType.INSTANT || !TRUNCATIONS.contains(truncation)) {
                throw new QueryException("by: '" + dimension + "': only instants can be truncated, by "
                        + String.join(", ", TRUNCATIONS));
            }
            selects.add("to_char(date_trunc('" + truncation + "', " + field.sql()
                    + " AT TIME ZONE 'UTC'), 'YYYY-MM-DD')");
        } else {
            selects.add("CAST(" + field.sql() + " AS text)");
        }
    }

    private void addSum(QuerySchema<?> schema, String total) {
        String prefix = schema.jsonPrefix() == null ? null : schema.jsonPrefix() + ".";
        if (prefix == null || !total.startsWith(prefix)) {
            throw new QueryException("sum: only numeric attributes can be summed, e.g. " + prefix + "revenue");
        }
        String param = param("g_s");
        params.put(param, attributeKey(total.substring(prefix.length()), "sum"));
        String column = schema.jsonColumn();
        // Non-numeric values are left out of the total rather than failing the whole query.
        selects.add("sum(CASE WHEN jsonb_typeof(" + column + " -> :" + param + ") = 'number' THEN CAST("
                + column + " ->> :" + param + " AS numeric) END)");
    }

    private String param(String prefix) {
        return prefix + (params.size() + 1);
    }

    private static void requireNoTruncation(String dimension, String truncation) {
        if (truncation != null) {
            throw new QueryException("by: '" + dimension + "': only instants can be truncated");
        }
    }

    private static String attributeKey(String key, String param) {
        if (!QuerySchema.ATTRIBUTE_KEY.matcher(key).matches()) {
            throw new QueryException(param + ": '" + key + "' is not a valid attribute name");
        }
        return key;
    }

    private static List<String> split(String value) {
        List<String> parts = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return parts;
        }
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                parts.add(part.strip());
            }
        }
        return parts;
    }
}
