package io.clientele.platform.query;

import static io.clientele.platform.query.Operator.EQ;
import static io.clientele.platform.query.Operator.GE;
import static io.clientele.platform.query.Operator.GT;
import static io.clientele.platform.query.Operator.IN;
import static io.clientele.platform.query.Operator.ISNULL;
import static io.clientele.platform.query.Operator.LE;
import static io.clientele.platform.query.Operator.LIKE;
import static io.clientele.platform.query.Operator.LT;
import static io.clientele.platform.query.Operator.NE;
import static io.clientele.platform.query.Operator.OUT;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * How a field's values are parsed, bound and compared. Each type has a default set of operators;
 * a {@link QueryField} may narrow it.
 */
public enum FieldType {
    /** Text, compared as stored (case-sensitive); bound as String. */
    STRING(EnumSet.of(EQ, NE, GT, GE, LT, LE, IN, OUT, LIKE, ISNULL)),
    /** Text compared case-insensitively via {@code lower()} on both sides; bound as String. */
    CI_STRING(EnumSet.of(EQ, NE, GT, GE, LT, LE, IN, OUT, LIKE, ISNULL)),
    /** uuid column; bound as java.util.UUID. */
    UUID(EnumSet.of(EQ, NE, IN, OUT, ISNULL)),
    /** One of a fixed set of lowercase API strings; bound as lowercase String. */
    ENUM(EnumSet.of(EQ, NE, IN, OUT, ISNULL)),
    /** timestamptz column; bound as OffsetDateTime in UTC. */
    INSTANT(EnumSet.of(EQ, NE, GT, GE, LT, LE, IN, OUT, ISNULL)),
    /** date column; bound as LocalDate. */
    DATE(EnumSet.of(EQ, NE, GT, GE, LT, LE, IN, OUT, ISNULL)),
    /** Numeric column; bound as BigDecimal. */
    NUMBER(EnumSet.of(EQ, NE, GT, GE, LT, LE, IN, OUT, ISNULL)),
    /** boolean column; bound as Boolean. */
    BOOLEAN(EnumSet.of(EQ, NE, ISNULL)),
    /**
     * text[] column: {@code ==} means "contains", {@code =in=} means "overlaps", {@code !=}/{@code =out=}
     * negate them and {@code =isnull=true} matches an empty (or NULL) array. Not sortable.
     */
    ARRAY(EnumSet.of(EQ, NE, IN, OUT, ISNULL));

    private final Set<Operator> operators;

    FieldType(EnumSet<Operator> operators) {
        this.operators = Collections.unmodifiableSet(operators);
    }

    /** Operators a field of this type accepts unless the field narrows them. */
    public Set<Operator> defaultOperators() {
        return operators;
    }
}
