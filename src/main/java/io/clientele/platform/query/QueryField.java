package io.clientele.platform.query;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * One field a list endpoint exposes to {@code filter} and {@code sort}: its API name, the trusted
 * SQL expression it maps to, and how values are checked. Immutable; the "with" methods return
 * copies, e.g. {@code QueryField.<Customer>of("createdAt", "created_at", INSTANT).sortable(Customer::createdAt)}.
 *
 * <p>A sortable field's SQL expression must never be NULL (wrap it in COALESCE otherwise), because
 * keyset pagination compares with plain {@code <}/{@code >}.
 *
 * @param <T> the entity type the sort extractor reads values from
 */
public final class QueryField<T> {

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

    private final String name;
    private final String sql;
    private final FieldType type;
    private final Set<String> enumValues;
    private final UnaryOperator<String> normalizer;
    private final boolean filterable;
    private final Function<T, Object> extractor;
    private final Set<Operator> operators;
    private final Function<String, java.util.List<String>> alternatives;

    private QueryField(String name, String sql, FieldType type, Set<String> enumValues,
            UnaryOperator<String> normalizer, boolean filterable, Function<T, Object> extractor,
            Set<Operator> operators, Function<String, java.util.List<String>> alternatives) {
        this.name = name;
        this.sql = sql;
        this.type = type;
        this.enumValues = enumValues;
        this.normalizer = normalizer;
        this.filterable = filterable;
        this.extractor = extractor;
        this.operators = operators;
        this.alternatives = alternatives;
    }

    /** A filterable, non-sortable field with the type's default operators and no normalizer. */
    public static <T> QueryField<T> of(String name, String sql, FieldType type) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(type, "type");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("field name must match " + NAME.pattern() + ": " + name);
        }
        if (sql.isBlank()) {
            throw new IllegalArgumentException("sql expression of field '" + name + "' is blank");
        }
        return new QueryField<>(name, sql, type, Set.of(), UnaryOperator.identity(), true, null,
                type.defaultOperators(), null);
    }

    /** Allowed values of an ENUM field, as API strings (stored lowercase; input is matched case-insensitively). */
    public QueryField<T> enumValues(String... values) {
        return enumValues(Arrays.asList(values));
    }

    /** Allowed values of an ENUM field, as API strings. */
    public QueryField<T> enumValues(Collection<String> values) {
        if (type != FieldType.ENUM) {
            throw new IllegalStateException("enum values only apply to ENUM fields: " + name);
        }
        Set<String> copy = new LinkedHashSet<>();
        for (String v : values) {
            copy.add(v.toLowerCase(Locale.ROOT));
        }
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("ENUM field '" + name + "' needs at least one value");
        }
        return new QueryField<>(name, sql, type, Collections.unmodifiableSet(copy), normalizer, filterable,
                extractor, operators, alternatives);
    }

    /**
     * Normalises filter values before they are parsed and bound (e.g. lower-case an email, format a phone
     * number as E.164). Not applied to {@code =like=} patterns or {@code =isnull=}. May throw
     * IllegalArgumentException, which becomes an InvalidFilterException naming the field.
     */
    public QueryField<T> normalizer(UnaryOperator<String> normalizer) {
        return new QueryField<>(name, sql, type, enumValues, Objects.requireNonNull(normalizer), filterable,
                extractor, operators, alternatives);
    }

    /**
     * One filter value stands for several stored values (a blind index under each configured key during a key
     * rotation): {@code ==} and {@code =in=} match any of them, {@code !=} and {@code =out=} none. Replaces the
     * normalizer for equality operators of a STRING field; may throw IllegalArgumentException like a normalizer.
     */
    public QueryField<T> alternatives(Function<String, java.util.List<String>> alternatives) {
        if (type != FieldType.STRING) {
            throw new IllegalStateException("alternatives only apply to STRING fields: " + name);
        }
        return new QueryField<>(name, sql, type, enumValues, normalizer, filterable, extractor, operators,
                Objects.requireNonNull(alternatives));
    }

    public Function<String, java.util.List<String>> alternatives() {
        return alternatives;
    }

    /** Makes the field sortable; the extractor returns the entity's value of the sort expression (never null). */
    public QueryField<T> sortable(Function<T, Object> extractor) {
        if (type == FieldType.ARRAY) {
            throw new IllegalStateException("ARRAY fields cannot be sortable: " + name);
        }
        return new QueryField<>(name, sql, type, enumValues, normalizer, filterable,
                Objects.requireNonNull(extractor), operators, alternatives);
    }

    /** Whether the field may appear in filters (default true). */
    public QueryField<T> filterable(boolean filterable) {
        return new QueryField<>(name, sql, type, enumValues, normalizer, filterable, extractor, operators,
                alternatives);
    }

    /** Narrows the operators the field accepts; each must be one the type supports. */
    public QueryField<T> operators(Operator... allowed) {
        EnumSet<Operator> set = EnumSet.noneOf(Operator.class);
        for (Operator op : allowed) {
            if (!type.defaultOperators().contains(op)) {
                throw new IllegalArgumentException(op + " is not supported for " + type + " field " + name);
            }
            set.add(op);
        }
        return new QueryField<>(name, sql, type, enumValues, normalizer, filterable, extractor,
                Collections.unmodifiableSet(set), alternatives);
    }

    public String name() {
        return name;
    }

    /** Trusted SQL expression (column or expression), written by the schema author, never by a client. */
    public String sql() {
        return sql;
    }

    public FieldType type() {
        return type;
    }

    public Set<String> enumValues() {
        return enumValues;
    }

    public UnaryOperator<String> normalizer() {
        return normalizer;
    }

    public boolean filterable() {
        return filterable;
    }

    public boolean sortable() {
        return extractor != null;
    }

    /** The sort value extractor, or null for a non-sortable field. */
    public Function<T, Object> extractor() {
        return extractor;
    }

    public Set<Operator> operators() {
        return operators;
    }

    @Override
    public String toString() {
        return "QueryField[" + name + " " + type + " -> " + sql + "]";
    }
}
