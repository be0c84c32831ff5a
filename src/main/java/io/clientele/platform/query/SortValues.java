package io.clientele.platform.query;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.UUID;

/** Type rules shared by sort extractors, cursors and keyset parameters. */
final class SortValues {

    private SortValues() {
    }

    /** Maps an extracted entity value to one of the cursor types; unsupported or null values are bugs. */
    static Object normalize(QueryField<?> field, Object value) {
        if (value == null) {
            throw new IllegalStateException("sort field '" + field.name()
                    + "' extracted null; sortable expressions must be NOT NULL (use COALESCE)");
        }
        Object v = value;
        if (v instanceof Enum<?> e) {
            v = e.name().toLowerCase(Locale.ROOT);
        } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            v = ((Number) v).longValue();
        } else if (v instanceof Double || v instanceof Float) {
            v = new BigDecimal(v.toString());
        } else if (v instanceof BigInteger big) {
            v = new BigDecimal(big);
        } else if (v instanceof OffsetDateTime odt) {
            v = odt.toInstant();
        } else if (v instanceof ZonedDateTime zdt) {
            v = zdt.toInstant();
        } else if (v instanceof String s && field.type() == FieldType.UUID) {
            v = UUID.fromString(s);
        }
        if (v instanceof String || v instanceof UUID || v instanceof Instant || v instanceof BigDecimal
                || v instanceof Long || v instanceof Boolean || v instanceof LocalDate) {
            return v;
        }
        throw new IllegalStateException("sort field '" + field.name() + "' extracted an unsupported type: "
                + value.getClass().getName());
    }

    /**
     * Converts a cursor value to the Java type PostgreSQL expects for the field. A mismatch means the
     * cursor was issued under a different schema (e.g. before a deploy), so it is the client's error.
     */
    static Object bindable(QueryField<?> field, Object value) {
        Object v = value;
        switch (field.type()) {
            case INSTANT:
                if (v instanceof OffsetDateTime odt) {
                    return odt.withOffsetSameInstant(ZoneOffset.UTC);
                }
                if (v instanceof Instant instant) {
                    return instant.atOffset(ZoneOffset.UTC);
                }
                break;
            case DATE:
                if (v instanceof LocalDate) {
                    return v;
                }
                break;
            case UUID:
                if (v instanceof UUID) {
                    return v;
                }
                break;
            case NUMBER:
                if (v instanceof Integer || v instanceof Short) {
                    return ((Number) v).longValue();
                }
                if (v instanceof BigDecimal || v instanceof Long) {
                    return v;
                }
                break;
            case BOOLEAN:
                if (v instanceof Boolean) {
                    return v;
                }
                break;
            case STRING:
            case CI_STRING:
            case ENUM:
                if (v instanceof String) {
                    return v;
                }
                break;
            default:
                break;
        }
        throw new InvalidCursorException("cursor does not match the current sort fields; start again without a cursor");
    }
}
