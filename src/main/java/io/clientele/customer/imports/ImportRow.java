package io.clientele.customer.imports;

/** One record of a chunk: its 1-based data row number, physical line, and document (or why there is none). */
public record ImportRow(int number, int line, ImportMapping.RowDoc doc, String raw) {
}
