package io.clientele.customer.imports;

/**
 * One broken rule of one row in the error report: {@code field} is a JSON Pointer into the row's customer
 * document (null for the row as a whole), {@code column} the CSV column it came from, {@code value} the
 * offending value when known.
 */
public record RowError(int row, int line, String field, String column, String reason, String value) {
}
