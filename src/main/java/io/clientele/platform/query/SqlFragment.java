package io.clientele.platform.query;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A boolean SQL expression with its named parameters ({@code :q_...}). Values are always bound,
 * never concatenated into {@code sql}.
 */
public record SqlFragment(String sql, Map<String, Object> params) {

    /** Matches every row. */
    public static final SqlFragment TRUE = new SqlFragment("TRUE", Map.of());

    public SqlFragment {
        Objects.requireNonNull(sql, "sql");
        // Insertion order kept so the SQL and its parameters read in the same order.
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** Whether this fragment is the constant TRUE. */
    public boolean isTrue() {
        return "TRUE".equals(sql);
    }

    /** {@code (this) AND (other)}, merging parameters; a name bound to two different values is a bug. */
    public SqlFragment and(SqlFragment other) {
        if (other.isTrue()) {
            return this;
        }
        if (isTrue()) {
            return other;
        }
        Map<String, Object> merged = new LinkedHashMap<>(params);
        other.params.forEach((k, v) -> {
            Object previous = merged.putIfAbsent(k, v);
            if (previous != null && !previous.equals(v)) {
                throw new IllegalArgumentException("parameter :" + k + " bound twice with different values");
            }
        });
        return new SqlFragment("(" + sql + ") AND (" + other.sql + ")", merged);
    }
}
