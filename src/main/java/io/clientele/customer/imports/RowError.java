package io.clientele.customer.imports;

/**
 * One broken rule of one row in the error report: {@code field} is a JSON Pointer into the row's customer
 * document (null for the row as a whole), {@code column} the CSV column it came from, {@code value} the
 * offending value when known. {@code duplicateOf} is set on the report entries of fuzzy duplicates (not errors:
 * the row was imported or skipped as the job's {@code fuzzy} option says).
 */
public record RowError(int row, int line, String field, String column, String reason, String value,
        java.util.UUID duplicateOf) {

    public RowError(int row, int line, String field, String column, String reason, String value) {
        this(row, line, field, column, reason, value, null);
    }
}
