package io.clientele.platform.query;

import java.util.Optional;

/** Comparison operators of the filter grammar; {@link #symbol()} is the canonical spelling. */
public enum Operator {
    EQ("==", null, false),
    NE("!=", null, false),
    GT("=gt=", ">", false),
    GE("=ge=", ">=", false),
    LT("=lt=", "<", false),
    LE("=le=", "<=", false),
    IN("=in=", null, true),
    OUT("=out=", null, true),
    LIKE("=like=", null, false),
    ISNULL("=isnull=", null, false);

    private final String symbol;
    private final String alias;
    private final boolean multiValued;

    Operator(String symbol, String alias, boolean multiValued) {
        this.symbol = symbol;
        this.alias = alias;
        this.multiValued = multiValued;
    }

    /** Canonical spelling, used in canonical filters and error messages. */
    public String symbol() {
        return symbol;
    }

    /** Short spelling ({@code >}, {@code >=}, ...) or null when there is none. */
    public String alias() {
        return alias;
    }

    /** Whether the operator takes a value list, e.g. {@code =in=(a,b)}. */
    public boolean multiValued() {
        return multiValued;
    }

    /** Whether the operator orders values ({@code =gt=}, {@code =ge=}, {@code =lt=}, {@code =le=}). */
    public boolean isRange() {
        return this == GT || this == GE || this == LT || this == LE;
    }

    /** Looks an operator up by its canonical or short spelling. */
    public static Optional<Operator> fromSymbol(String symbol) {
        for (Operator op : values()) {
            if (op.symbol.equals(symbol) || symbol.equals(op.alias)) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return symbol;
    }
}
