package io.clientele.platform.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.clientele.platform.query.Fixtures.Customer;

class KeysetConditionTest {

    private static SortSpec<Customer> sort(String s) {
        return SortSpec.parse(s, Fixtures.SCHEMA, null);
    }

    @Test
    void singleKey() {
        UUID id = new UUID(0, 9);
        SqlFragment f = KeysetCondition.after(sort(null), List.of(id));
        assertEquals("id > :q_k1", f.sql());
        assertEquals(Map.of("q_k1", id), f.params());
        assertEquals("id < :q_k1", KeysetCondition.after(sort("-id"), List.of(id)).sql());
    }

    @Test
    void sameDirectionUsesRowComparison() {
        UUID id = new UUID(0, 9);
        assertEquals("(display_name, id) > (:q_k1, :q_k2)",
                KeysetCondition.after(sort("displayName"), List.of("Ann", id)).sql());
        assertEquals("(created_at, id) < (:q_k1, :q_k2)",
                KeysetCondition.after(sort("-createdAt,-id"), List.of(Instant.EPOCH, id)).sql());
    }

    @Test
    void mixedDirectionsExpandToOrOfAnds() {
        UUID id = new UUID(0, 9);
        SqlFragment f = KeysetCondition.after(sort("-createdAt,displayName"),
                List.of(Instant.parse("2026-01-02T03:04:05.123456Z"), "Ann", id));
        assertEquals("((created_at < :q_k1)"
                + " OR (created_at = :q_k1 AND display_name > :q_k2)"
                + " OR (created_at = :q_k1 AND display_name = :q_k2 AND id > :q_k3))", f.sql());
        assertEquals(OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 123_456_000, ZoneOffset.UTC), f.params().get("q_k1"));
        assertEquals("Ann", f.params().get("q_k2"));
        assertEquals(id, f.params().get("q_k3"));
    }

    @Test
    void bindsDatabaseTypes() {
        UUID id = new UUID(0, 9);
        SqlFragment f = KeysetCondition.after(sort("kind,-score,version,birthday,-active"),
                List.of("person", new BigDecimal("2.5"), 3L, LocalDate.of(2000, 1, 1), true, id));
        assertEquals(List.of("person", new BigDecimal("2.5"), 3L, LocalDate.of(2000, 1, 1), true, id),
                new ArrayList<>(f.params().values()));
    }

    @Test
    void wrongNumberOfValuesIsACursorError() {
        InvalidCursorException e = assertThrows(InvalidCursorException.class,
                () -> KeysetCondition.after(sort("displayName"), List.of(new UUID(0, 1))));
        assertEquals("cursor does not match the current sort fields; start again without a cursor", e.getMessage());
    }

    @Test
    void wrongValueTypeIsACursorError() {
        assertThrows(InvalidCursorException.class,
                () -> KeysetCondition.after(sort("createdAt"), List.of("2026-01-01", new UUID(0, 1))));
        assertThrows(InvalidCursorException.class,
                () -> KeysetCondition.after(sort(null), List.of("not-a-uuid")));
        assertThrows(InvalidCursorException.class,
                () -> KeysetCondition.after(sort("active"), List.of("true", new UUID(0, 1))));
    }

    /**
     * Pages through random rows with the generated condition, evaluated by a tiny interpreter of the SQL
     * subset it produces, and checks the pages concatenate to the fully sorted list: no row skipped or repeated.
     */
    @ParameterizedTest
    @ValueSource(strings = { "", "displayName", "-displayName", "-createdAt,displayName", "kind,-score,createdAt",
            "-version,displayName,-birthday", "active,-id", "-active,score,-createdAt,kind", "-birthday,-version" })
    void pagingVisitsEveryRowOnceInOrder(String sortParam) {
        SortSpec<Customer> sort = sort(sortParam);
        Random random = new Random(sortParam.hashCode());
        List<Customer> rows = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            // Few distinct values per column, so ties (and the tie-breaker) matter.
            rows.add(new Customer(new UUID(random.nextInt(3), i), "n" + random.nextInt(4), "e",
                    Instant.EPOCH.plusSeconds(random.nextInt(3)), random.nextBoolean() ? Fixtures.Kind.PERSON
                            : Fixtures.Kind.COMPANY, new BigDecimal(random.nextInt(3) + ".5"), random.nextInt(3),
                    LocalDate.of(2000, 1, 1 + random.nextInt(3)), random.nextBoolean()));
        }
        Comparator<Customer> order = comparator(sort);
        List<Customer> expected = rows.stream().sorted(order).toList();

        List<Customer> seen = new ArrayList<>();
        List<Customer> remaining = expected;
        while (!remaining.isEmpty()) {
            List<Customer> page = remaining.subList(0, Math.min(7, remaining.size()));
            seen.addAll(page);
            SqlFragment after = KeysetCondition.after(sort, sort.valuesOf(page.get(page.size() - 1)));
            remaining = rows.stream().filter(r -> Mini.eval(after, columns(sort, r))).sorted(order).toList();
        }
        assertEquals(expected, seen);
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static Comparator<Customer> comparator(SortSpec<Customer> sort) {
        Comparator<Customer> c = (a, b) -> 0;
        for (SortKey<Customer> key : sort.keys()) {
            Comparator<Customer> k = Comparator.comparing(r -> (Comparable) bindable(key, r));
            c = c.thenComparing(key.descending() ? k.reversed() : k);
        }
        return c;
    }

    private static Object bindable(SortKey<Customer> key, Customer row) {
        Object v = SortValues.normalize(key.field(), key.field().extractor().apply(row));
        return SortValues.bindable(key.field(), v);
    }

    private static Map<String, Object> columns(SortSpec<Customer> sort, Customer row) {
        Map<String, Object> m = new HashMap<>();
        for (SortKey<Customer> key : sort.keys()) {
            m.put(key.field().sql(), bindable(key, row));
        }
        return m;
    }

    /** Interpreter for: OR / AND / parentheses / "col op :param" / "(c1, c2) op (:p1, :p2)". */
    static final class Mini {
        private static final Pattern TOKEN = Pattern.compile("\\s*(\\(|\\)|,|<=|>=|=|<|>|:[a-z_0-9]+|[A-Za-z_][A-Za-z_0-9]*)");
        private final List<String> tokens = new ArrayList<>();
        private final Map<String, Object> params;
        private final Map<String, Object> row;
        private int pos;

        private Mini(String sql, Map<String, Object> params, Map<String, Object> row) {
            Matcher m = TOKEN.matcher(sql);
            int end = 0;
            while (m.lookingAt()) {
                tokens.add(m.group(1));
                end = m.end();
                m.region(end, sql.length());
            }
            if (end != sql.length()) {
                throw new IllegalArgumentException("cannot tokenize: " + sql.substring(end));
            }
            this.params = params;
            this.row = row;
        }

        static boolean eval(SqlFragment f, Map<String, Object> row) {
            Mini mini = new Mini(f.sql(), f.params(), row);
            boolean result = mini.or();
            if (mini.pos != mini.tokens.size()) {
                throw new IllegalArgumentException("trailing tokens in " + f.sql());
            }
            return result;
        }

        private boolean or() {
            boolean v = and();
            while (peek("OR")) {
                pos++;
                v |= and();
            }
            return v;
        }

        private boolean and() {
            boolean v = atom();
            while (peek("AND")) {
                pos++;
                v &= atom();
            }
            return v;
        }

        private boolean atom() {
            if (peek("(")) {
                // Row comparison "(a, b) op (:x, :y)" or a parenthesised expression.
                if (tokens.get(pos + 2).equals(",")) {
                    List<Object> left = new ArrayList<>();
                    pos++;
                    while (true) {
                        left.add(row.get(tokens.get(pos++)));
                        if (tokens.get(pos++).equals(")")) {
                            break;
                        }
                    }
                    String op = tokens.get(pos++);
                    List<Object> right = new ArrayList<>();
                    pos++;
                    while (true) {
                        right.add(params.get(tokens.get(pos++).substring(1)));
                        if (tokens.get(pos++).equals(")")) {
                            break;
                        }
                    }
                    return test(compareRows(left, right), op);
                }
                pos++;
                boolean v = or();
                expect(")");
                return v;
            }
            Object left = row.get(tokens.get(pos++));
            String op = tokens.get(pos++);
            Object right = params.get(tokens.get(pos++).substring(1));
            return test(compare(left, right), op);
        }

        @SuppressWarnings({ "unchecked", "rawtypes" })
        private static int compare(Object a, Object b) {
            return ((Comparable) a).compareTo(b);
        }

        private static int compareRows(List<Object> a, List<Object> b) {
            for (int i = 0; i < a.size(); i++) {
                int c = compare(a.get(i), b.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        }

        private static boolean test(int c, String op) {
            return switch (op) {
                case "<" -> c < 0;
                case ">" -> c > 0;
                case "=" -> c == 0;
                default -> throw new IllegalArgumentException(op);
            };
        }

        private boolean peek(String t) {
            return pos < tokens.size() && tokens.get(pos).equals(t);
        }

        private void expect(String t) {
            if (!peek(t)) {
                throw new IllegalArgumentException("expected " + t + " at token " + pos);
            }
            pos++;
        }
    }
}
