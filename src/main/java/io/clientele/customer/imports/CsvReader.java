package io.clientele.customer.imports;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A streaming RFC 4180 reader over UTF-8 bytes: comma-separated fields, fields in double quotes may hold
 * commas, CR/LF and doubled quotes; records end at CRLF, LF or a lone CR; completely empty lines are
 * skipped. It works on bytes because every delimiter is ASCII, so it never splits a multi-byte character.
 * A quote inside an unquoted field is kept as a literal character (common in exported data, e.g. 5" disk).
 */
public final class CsvReader {

    /** One record: its fields, the physical line it starts on, its byte range, and what is wrong with it. */
    public record Record(List<String> fields, int line, int start, int end, String error) {
    }

    private final byte[] data;
    private final int end;
    private int pos;
    private int line;
    private byte[] buffer = new byte[256];
    private int length;

    /** Reads {@code data[from, to)}; {@code firstLine} is the physical line number at {@code from}. */
    public CsvReader(byte[] data, int from, int to, int firstLine) {
        this.data = data;
        this.pos = from;
        this.end = to;
        this.line = firstLine;
    }

    /** The byte offset the next record starts at (after any skipped empty lines once {@link #next} ran). */
    public int position() {
        return pos;
    }

    /** The next record, or null at the end of the input. */
    public Record next() {
        while (pos < end && (data[pos] == '\n' || data[pos] == '\r')) {
            newline();
        }
        if (pos >= end) {
            return null;
        }
        int start = pos;
        int startLine = line;
        List<String> fields = new ArrayList<>();
        String error = null;
        while (true) {
            if (data[pos] == '"') {
                pos++;
                length = 0;
                boolean closed = false;
                while (pos < end) {
                    byte b = data[pos];
                    if (b == '"') {
                        if (pos + 1 < end && data[pos + 1] == '"') {
                            append((byte) '"');
                            pos += 2;
                        } else {
                            pos++;
                            closed = true;
                            break;
                        }
                    } else {
                        if (b == '\n' || (b == '\r' && !(pos + 1 < end && data[pos + 1] == '\n'))) {
                            line++;
                        }
                        append(b);
                        pos++;
                    }
                }
                fields.add(new String(buffer, 0, length, StandardCharsets.UTF_8));
                if (!closed) {
                    error = "the quoted field opened on line " + startLine + " is not closed";
                    break;
                }
                if (pos < end && !atDelimiter()) {
                    error = "unexpected text after the closing quote of field " + fields.size();
                    while (pos < end && !atDelimiter()) {
                        pos++;
                    }
                }
            } else {
                int s = pos;
                while (pos < end && !atDelimiter()) {
                    pos++;
                }
                fields.add(new String(data, s, pos - s, StandardCharsets.UTF_8));
            }
            if (pos >= end) {
                break;
            }
            if (data[pos] == ',') {
                pos++;
                if (pos >= end) {
                    fields.add("");
                    break;
                }
                continue;
            }
            newline();
            break;
        }
        return new Record(fields, startLine, start, pos, error);
    }

    private boolean atDelimiter() {
        byte b = data[pos];
        return b == ',' || b == '\n' || b == '\r';
    }

    private void newline() {
        if (data[pos] == '\r' && pos + 1 < end && data[pos + 1] == '\n') {
            pos++;
        }
        pos++;
        line++;
    }

    private void append(byte b) {
        if (length == buffer.length) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        buffer[length++] = b;
    }
}
