package io.clientele.platform.export;

import java.util.regex.Pattern;

/**
 * Writes CSV records as RFC 4180 describes them: fields separated by commas, records ended by CRLF, a
 * field quoted when it holds a comma, a double quote, CR or LF, and a double quote inside a quoted field
 * doubled.
 *
 * <p>Text cells are also neutralised against formula injection (OWASP "CSV injection"): a cell whose first
 * character is {@code =}, {@code +}, {@code -}, {@code @}, a tab or a carriage return, which spreadsheet
 * programs would evaluate as a formula, gets a leading apostrophe, which makes them read it as text.
 * {@link #number} cells are the exception: a JSON number such as {@code -12.5} is a number in every
 * spreadsheet and cannot hold a formula, so it is written as it is.
 *
 * <p>Not thread-safe; one writer per chunk of output.
 */
public final class CsvWriter {

    public static final String RECORD_END = "\r\n";

    // The JSON number grammar (RFC 8259): the only text number() writes without neutralising.
    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private final StringBuilder out;
    private boolean midRecord;

    public CsvWriter(StringBuilder out) {
        this.out = out;
    }

    public CsvWriter() {
        this(new StringBuilder(4096));
    }

    /** A text cell; null is an empty cell. */
    public CsvWriter text(String value) {
        separate();
        if (value != null && !value.isEmpty()) {
            field(neutralise(value));
        }
        return this;
    }

    /** A numeric cell written as is; text that is not a JSON number is treated as {@link #text}. */
    public CsvWriter number(String numeral) {
        if (numeral == null || !JSON_NUMBER.matcher(numeral).matches()) {
            return text(numeral);
        }
        separate();
        out.append(numeral);
        return this;
    }

    public CsvWriter number(long value) {
        separate();
        out.append(value);
        return this;
    }

    /** Ends the current record with CRLF. */
    public CsvWriter endRecord() {
        out.append(RECORD_END);
        midRecord = false;
        return this;
    }

    public StringBuilder buffer() {
        return out;
    }

    /** The value as a spreadsheet must see it: prefixed with an apostrophe when it would start a formula. */
    public static String neutralise(String value) {
        if (value.isEmpty()) {
            return value;
        }
        return switch (value.charAt(0)) {
            case '=', '+', '-', '@', '\t', '\r' -> "'" + value;
            default -> value;
        };
    }

    private void separate() {
        if (midRecord) {
            out.append(',');
        }
        midRecord = true;
    }

    private void field(String value) {
        if (!needsQuotes(value)) {
            out.append(value);
            return;
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '"') {
                out.append('"');
            }
            out.append(ch);
        }
        out.append('"');
    }

    private static boolean needsQuotes(String value) {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == ',' || ch == '"' || ch == '\r' || ch == '\n') {
                return true;
            }
        }
        return false;
    }
}
