package io.clientele.platform.persistence;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;

/**
 * A statement for the Vert.x PostgreSQL client, which only knows {@code $1, $2, ...}: built from SQL
 * with the named parameters ({@code :tenant}, {@code :q_1}) that the query compiler and Hibernate use.
 * A name used twice becomes the same {@code $n}.
 *
 * <p>Only names listed in {@code params} are replaced, so SQL text that merely contains a colon is
 * left alone; the query compiler never writes {@code ::} casts or literals containing a parameter name.
 */
public record PositionalSql(String sql, List<Object> values) {

    private static final Pattern NAMED = Pattern.compile("(?<![:\\w]):([A-Za-z_][A-Za-z0-9_]*)");

    public PositionalSql {
        // List.copyOf rejects nulls: the query compiler never binds SQL NULL (it writes IS NULL instead).
        values = List.copyOf(values);
    }

    public static PositionalSql of(String sql, Map<String, ?> params) {
        Map<String, Integer> positions = new LinkedHashMap<>();
        List<Object> values = new ArrayList<>();
        Matcher m = NAMED.matcher(sql);
        StringBuilder out = new StringBuilder(sql.length() + 16);
        while (m.find()) {
            String name = m.group(1);
            if (!params.containsKey(name)) {
                throw new IllegalArgumentException("no value for parameter :" + name);
            }
            Integer position = positions.get(name);
            if (position == null) {
                values.add(params.get(name));
                position = values.size();
                positions.put(name, position);
            }
            m.appendReplacement(out, "\\$" + position);
        }
        m.appendTail(out);
        if (positions.size() != params.size()) {
            List<String> unused = new ArrayList<>(params.keySet());
            unused.removeAll(positions.keySet());
            throw new IllegalArgumentException("parameters not used in the SQL: " + unused);
        }
        return new PositionalSql(out.toString(), values);
    }

    /** The values as a Vert.x tuple; decimals become the driver's Numeric, the one form it binds to numeric. */
    public Tuple tuple() {
        List<Object> bound = new ArrayList<>(values.size());
        for (Object v : values) {
            if (v instanceof BigDecimal d) {
                bound.add(Numeric.create(d));
            } else {
                bound.add(v);
            }
        }
        return Tuple.from(bound);
    }
}
