package io.clientele.customer.imports;

/** One line of an error report as stored; {@code seq} orders the report (file order) and pages it. */
public record ImportErrorEntry(long seq, int row, Integer line, String field, String column, String reason,
        String value, java.util.UUID duplicateOf) {
}
