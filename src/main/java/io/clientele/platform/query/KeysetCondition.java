package io.clientele.platform.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The "rows strictly after this one" condition for keyset pagination. Parameters are named
 * {@code :q_k1, :q_k2, ...} so they never clash with a compiled filter's {@code :q_1, ...}.
 */
public final class KeysetCondition {

    /** Prefix of keyset parameters. */
    public static final String PARAM_PREFIX = "q_k";

    private KeysetCondition() {
    }

    /**
     * Rows that come after the row whose sort values are {@code lastValues} in {@code sort} order.
     * When every key has the same direction this is a row comparison {@code (a, b) > (:x, :y)}, which
     * PostgreSQL can answer from a matching index; mixed directions expand to
     * {@code (a > :x) OR (a = :x AND b < :y) OR ...}.
     *
     * @throws InvalidCursorException when the values do not fit the sort (cursor from another schema)
     */
    public static <T> SqlFragment after(SortSpec<T> sort, List<Object> lastValues) {
        Objects.requireNonNull(sort, "sort");
        Objects.requireNonNull(lastValues, "lastValues");
        List<SortKey<T>> keys = sort.keys();
        if (lastValues.size() != keys.size()) {
            throw new InvalidCursorException("cursor does not match the current sort fields; start again without a cursor");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            String name = PARAM_PREFIX + (i + 1);
            params.put(name, SortValues.bindable(keys.get(i).field(), lastValues.get(i)));
            names.add(":" + name);
        }
        boolean descending = keys.get(0).descending();
        boolean uniform = keys.stream().allMatch(k -> k.descending() == descending);
        if (uniform) {
            String op = descending ? " < " : " > ";
            if (keys.size() == 1) {
                return new SqlFragment(keys.get(0).field().sql() + op + names.get(0), params);
            }
            List<String> columns = keys.stream().map(k -> k.field().sql()).toList();
            return new SqlFragment("(" + String.join(", ", columns) + ")" + op
                    + "(" + String.join(", ", names) + ")", params);
        }
        List<String> disjuncts = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            List<String> conjuncts = new ArrayList<>();
            for (int j = 0; j < i; j++) {
                conjuncts.add(keys.get(j).field().sql() + " = " + names.get(j));
            }
            SortKey<T> key = keys.get(i);
            conjuncts.add(key.field().sql() + (key.descending() ? " < " : " > ") + names.get(i));
            disjuncts.add("(" + String.join(" AND ", conjuncts) + ")");
        }
        return new SqlFragment("(" + String.join(" OR ", disjuncts) + ")", params);
    }
}
