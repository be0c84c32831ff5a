package io.clientele.platform.query;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns a {@link FilterNode} into a PostgreSQL boolean expression over a {@link QuerySchema}.
 * Column expressions come only from the schema; every client value (including JSON attribute keys)
 * is bound as a named parameter {@code :q_1, :q_2, ...}. Casts are written as {@code CAST(x AS t)},
 * never {@code x::t}, because Hibernate's native-query parser treats {@code :} specially.
 */
public final class SqlFilterCompiler {

    /** Prefix of every parameter this compiler generates; keyset conditions use {@code q_k}. */
    public static final String PARAM_PREFIX = "q_";

    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern NUMBER_TEXT = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    // Far inside what numeric holds, so a client cannot make PostgreSQL fail with an overflow.
    private static final int MAX_NUMBER_SCALE = 1000;
    private static final int MAX_ECHO = 60;

    private SqlFilterCompiler() {
    }

    /** Compiles {@code node}; a null node (no filter) gives {@link SqlFragment#TRUE}. */
    public static SqlFragment compile(FilterNode node, QuerySchema<?> schema) {
        if (node == null) {
            return SqlFragment.TRUE;
        }
        Compilation c = new Compilation(schema);
        String sql = c.node(node);
        return new SqlFragment(sql, c.params);
    }

    private static final class Compilation {
        private final QuerySchema<?> schema;
        private final Map<String, Object> params = new LinkedHashMap<>();

        Compilation(QuerySchema<?> schema) {
            this.schema = schema;
        }

        String node(FilterNode node) {
            if (node instanceof FilterNode.And and) {
                return and.children().stream().map(this::node).collect(Collectors.joining(" AND ", "(", ")"));
            }
            if (node instanceof FilterNode.Or or) {
                return or.children().stream().map(this::node).collect(Collectors.joining(" OR ", "(", ")"));
            }
            return comparison((FilterNode.Comparison) node);
        }

        private String comparison(FilterNode.Comparison c) {
            String selector = c.selector();
            int pos = c.position();
            Optional<? extends QueryField<?>> found = schema.field(selector);
            if (found.isPresent()) {
                QueryField<?> field = found.get();
                if (!field.filterable()) {
                    throw new InvalidFilterException("field '" + selector + "' cannot be used in a filter at position "
                            + pos + "; allowed: " + schema.filterableDescription(), pos);
                }
                if (!field.operators().contains(c.op())) {
                    throw new InvalidFilterException("operator '" + c.op().symbol() + "' is not allowed on field '"
                            + selector + "' at position " + pos + "; allowed: " + describe(field.operators()), pos);
                }
                return typed(field, c);
            }
            String prefix = schema.jsonPrefix();
            if (prefix != null && selector.startsWith(prefix + ".")) {
                String key = selector.substring(prefix.length() + 1);
                if (!QuerySchema.ATTRIBUTE_KEY.matcher(key).matches()) {
                    throw new InvalidFilterException("invalid attribute key '" + echo(key) + "' at position " + pos
                            + "; a key starts with a letter and has at most 64 letters, digits or '_'", pos);
                }
                return json(schema.jsonColumn(), key, c);
            }
            throw new InvalidFilterException("unknown field '" + echo(selector) + "' at position " + pos
                    + "; allowed: " + schema.filterableDescription(), pos);
        }

        private String typed(QueryField<?> field, FilterNode.Comparison c) {
            String col = field.sql();
            FieldType type = field.type();
            Operator op = c.op();
            if (op == Operator.ISNULL) {
                boolean isNull = c.arg().equals("true");
                if (type == FieldType.ARRAY) {
                    return isNull ? "(" + col + " IS NULL OR cardinality(" + col + ") = 0)"
                            : "cardinality(" + col + ") > 0";
                }
                return col + (isNull ? " IS NULL" : " IS NOT NULL");
            }
            if (op == Operator.LIKE) {
                // Backslash is the escape character (standard_conforming_strings is on since PostgreSQL 9.1).
                return col + " ILIKE " + bind(likePattern(c.arg())) + " ESCAPE '\\'";
            }
            if (field.alternatives() != null) {
                return alternatives(field, c);
            }
            List<String> ps = new ArrayList<>();
            for (String raw : c.args()) {
                ps.add(bind(convert(field, raw, c)));
            }
            if (type == FieldType.ARRAY) {
                String array = ps.stream().map(p -> "CAST(" + p + " AS text)")
                        .collect(Collectors.joining(", ", "ARRAY[", "]"));
                return switch (op) {
                    case EQ -> col + " @> " + array;
                    case IN -> col + " && " + array;
                    case NE -> "(" + col + " IS NULL OR NOT (" + col + " @> " + array + "))";
                    case OUT -> "(" + col + " IS NULL OR NOT (" + col + " && " + array + "))";
                    default -> throw new IllegalStateException("unsupported operator for ARRAY: " + op);
                };
            }
            boolean ci = type == FieldType.CI_STRING;
            String lhs = ci ? "lower(" + col + ")" : col;
            List<String> rhs = ps;
            if (ci) {
                rhs = ps.stream().map(p -> "lower(CAST(" + p + " AS text))").toList();
            } else if (type == FieldType.NUMBER) {
                // The reactive driver would truncate 1.5 to 1 when the column is an integer; numeric compares exactly.
                rhs = ps.stream().map(p -> "CAST(" + p + " AS numeric)").toList();
            }
            return compare(col, lhs, op, rhs);
        }

        private String json(String column, String key, FilterNode.Comparison c) {
            String k = bind(key);
            String text = "(" + column + " ->> CAST(" + k + " AS text))";
            Operator op = c.op();
            switch (op) {
                case ISNULL:
                    // ->> yields SQL NULL for a missing key and for a JSON null alike.
                    return text + (c.arg().equals("true") ? " IS NULL" : " IS NOT NULL");
                case LIKE:
                    return text + " ILIKE CAST(" + bind(likePattern(c.arg())) + " AS text) ESCAPE '\\'";
                case GT:
                case GE:
                case LT:
                case LE:
                    BigDecimal number = parseNumber(c.arg());
                    if (number != null) {
                        // Numeric order only for JSON numbers; other values (or a missing key) never match.
                        String numeric = "CASE WHEN jsonb_typeof(" + column + " -> CAST(" + k + " AS text)) = 'number'"
                                + " THEN CAST(" + column + " ->> CAST(" + k + " AS text) AS numeric) END";
                        return numeric + " " + sqlOperator(op) + " CAST(" + bind(number) + " AS numeric)";
                    }
                    return text + " " + sqlOperator(op) + " CAST(" + bind(c.arg()) + " AS text)";
                default:
                    List<String> ps = c.args().stream().map(a -> "CAST(" + bind(a) + " AS text)").toList();
                    return compare(text, text, op, ps);
            }
        }

        /** Equality over a field whose every filter value stands for several stored values. */
        private String alternatives(QueryField<?> field, FilterNode.Comparison c) {
            List<String> ps = new ArrayList<>();
            for (String raw : c.args()) {
                List<String> values;
                try {
                    values = field.alternatives().apply(raw);
                } catch (IllegalArgumentException e) {
                    String reason = e.getMessage() == null || e.getMessage().isBlank() ? "" : ": " + e.getMessage();
                    throw invalidValue(field, raw, c, reason);
                }
                values.forEach(v -> ps.add(bind(v)));
            }
            String col = field.sql();
            return switch (c.op()) {
                case EQ, IN -> compare(col, col, Operator.IN, ps);
                case NE, OUT -> compare(col, col, Operator.OUT, ps);
                default -> throw new IllegalStateException("unsupported operator with alternatives: " + c.op());
            };
        }

        /** EQ/NE/range/IN/OUT over an already-prepared left side; {@code col} is used for the NULL check. */
        private static String compare(String col, String lhs, Operator op, List<String> ps) {
            return switch (op) {
                case EQ -> lhs + " = " + ps.get(0);
                // Plain <> would drop rows where the column is NULL, which callers do not expect from "not equal".
                case NE -> lhs + " IS DISTINCT FROM " + ps.get(0);
                case GT, GE, LT, LE -> lhs + " " + sqlOperator(op) + " " + ps.get(0);
                case IN -> lhs + " IN (" + String.join(", ", ps) + ")";
                case OUT -> "(" + col + " IS NULL OR " + lhs + " NOT IN (" + String.join(", ", ps) + "))";
                default -> throw new IllegalStateException("unexpected operator " + op);
            };
        }

        private String bind(Object value) {
            String name = PARAM_PREFIX + (params.size() + 1);
            params.put(name, value);
            return ":" + name;
        }
    }

    private static String sqlOperator(Operator op) {
        return switch (op) {
            case GT -> ">";
            case GE -> ">=";
            case LT -> "<";
            case LE -> "<=";
            default -> throw new IllegalStateException("not a range operator: " + op);
        };
    }

    /** {@code *} becomes {@code %}; LIKE's own metacharacters are escaped so they match literally. */
    static String likePattern(String arg) {
        StringBuilder sb = new StringBuilder(arg.length() + 8);
        for (int i = 0; i < arg.length(); i++) {
            char ch = arg.charAt(i);
            switch (ch) {
                case '\\', '%', '_' -> sb.append('\\').append(ch);
                case '*' -> sb.append('%');
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }

    private static Object convert(QueryField<?> field, String raw, FilterNode.Comparison c) {
        String value;
        try {
            value = field.normalizer().apply(raw);
        } catch (IllegalArgumentException e) {
            String reason = e.getMessage() == null || e.getMessage().isBlank() ? "" : ": " + e.getMessage();
            throw invalidValue(field, raw, c, reason);
        }
        if (value == null) {
            throw invalidValue(field, raw, c, "");
        }
        switch (field.type()) {
            case STRING:
            case CI_STRING:
            case ARRAY:
                return value;
            case UUID:
                if (UUID_TEXT.matcher(value).matches()) {
                    return java.util.UUID.fromString(value);
                }
                throw invalidValue(field, raw, c, "; expected a UUID such as 0b0e9d5c-3b4f-4a53-9d7e-2f1c8e6b7a10");
            case ENUM:
                String lower = value.toLowerCase(Locale.ROOT);
                if (field.enumValues().contains(lower)) {
                    return lower;
                }
                throw invalidValue(field, raw, c, "; allowed: " + String.join(", ", field.enumValues()));
            case INSTANT:
                OffsetDateTime instant = parseInstant(value);
                if (instant != null) {
                    return instant;
                }
                throw invalidValue(field, raw, c,
                        "; expected an ISO-8601 instant such as 2026-01-02T03:04:05Z or a date such as 2026-01-02");
            case DATE:
                LocalDate date = parseDate(value);
                if (date != null) {
                    return date;
                }
                throw invalidValue(field, raw, c, "; expected a date such as 2026-01-02");
            case NUMBER:
                BigDecimal number = parseNumber(value);
                if (number != null) {
                    return number;
                }
                throw invalidValue(field, raw, c, "; expected a number such as 42 or -3.5");
            case BOOLEAN:
                if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                    return Boolean.valueOf(value.equalsIgnoreCase("true"));
                }
                throw invalidValue(field, raw, c, "; expected true or false");
            default:
                throw new IllegalStateException("unknown type " + field.type());
        }
    }

    /** ISO-8601 instant with an offset, or a plain date meaning its start in UTC; null when neither. */
    static OffsetDateTime parseInstant(String value) {
        try {
            OffsetDateTime odt = OffsetDateTime.parse(value);
            return inRange(odt.getYear()) ? odt.withOffsetSameInstant(ZoneOffset.UTC) : null;
        } catch (DateTimeParseException e) {
            LocalDate date = parseDate(value);
            return date == null ? null : date.atStartOfDay().atOffset(ZoneOffset.UTC);
        }
    }

    static LocalDate parseDate(String value) {
        try {
            LocalDate date = LocalDate.parse(value);
            return inRange(date.getYear()) ? date : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    // Years PostgreSQL and every client can represent; anything else is a typo, not a query.
    private static boolean inRange(int year) {
        return year >= 1 && year <= 9999;
    }

    static BigDecimal parseNumber(String value) {
        if (value.length() > 200 || !NUMBER_TEXT.matcher(value).matches()) {
            return null;
        }
        try {
            BigDecimal number = new BigDecimal(value);
            return Math.abs((long) number.scale()) <= MAX_NUMBER_SCALE ? number : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static InvalidFilterException invalidValue(QueryField<?> field, String raw, FilterNode.Comparison c,
            String detail) {
        return new InvalidFilterException("invalid value '" + echo(raw) + "' for field '" + field.name()
                + "' at position " + c.position() + detail, c.position());
    }

    private static String describe(Set<Operator> operators) {
        return operators.stream().map(Operator::symbol).collect(Collectors.joining(", "));
    }

    /** Client text repeated in a message, shortened so a huge value does not bloat the problem body. */
    static String echo(String value) {
        if (value.codePointCount(0, value.length()) <= MAX_ECHO) {
            return value;
        }
        return value.substring(0, value.offsetByCodePoints(0, MAX_ECHO)) + "...";
    }
}
