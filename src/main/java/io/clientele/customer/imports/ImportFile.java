package io.clientele.customer.imports;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import io.clientele.platform.errors.FieldError;
import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;

/**
 * An uploaded file checked and cut into chunks of whole records, ready to be stored with its job. Checked
 * up-front, so a broken file creates no job: strict UTF-8 (a leading BOM is dropped), a CSV header, no
 * quoted field left open at the end of the file. Row numbers count data records from 1 (the CSV header
 * is not a row); lines are physical lines of the file from 1 (the header is line 1).
 */
public record ImportFile(ImportFormat format, List<String> header, List<Chunk> chunks, int totalRows, long bytes,
        String sha256) {

    /** Whole records {@code [firstRow, firstRow + rowCount)} starting on physical line {@code firstLine}. */
    public record Chunk(int no, int firstRow, int firstLine, int rowCount, byte[] data) {
    }

    static final byte[] BOM = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };

    public static ImportFile read(byte[] file, ImportFormat format, int chunkRows) {
        String sha256 = sha256(file);
        int from = startsWithBom(file) ? BOM.length : 0;
        checkUtf8(file, from);
        return format == ImportFormat.CSV ? csv(file, from, chunkRows, sha256) : ndjson(file, from, chunkRows, sha256);
    }

    private static ImportFile csv(byte[] file, int from, int chunkRows, String sha256) {
        CsvReader reader = new CsvReader(file, from, file.length, 1);
        CsvReader.Record header = reader.next();
        if (header == null) {
            throw invalid("the file is empty: a CSV import needs a header line naming the columns");
        }
        if (header.error() != null) {
            throw invalid("the header line is malformed: " + header.error());
        }
        List<String> names = header.fields().stream().map(String::strip).toList();
        List<Chunk> chunks = new ArrayList<>();
        int rows = 0;
        int chunkStart = -1;
        int chunkLine = 0;
        int inChunk = 0;
        int lastEnd = 0;
        CsvReader.Record record;
        while ((record = reader.next()) != null) {
            if (record.error() != null && record.end() >= file.length && record.error().contains("not closed")) {
                // An unclosed quote swallows the rest of the file: no row after it could be trusted.
                throw invalid("line " + record.line() + ": " + record.error());
            }
            if (inChunk == 0) {
                chunkStart = record.start();
                chunkLine = record.line();
            }
            rows++;
            inChunk++;
            lastEnd = record.end();
            if (inChunk == chunkRows) {
                chunks.add(new Chunk(chunks.size(), rows - inChunk + 1, chunkLine, inChunk,
                        Arrays.copyOfRange(file, chunkStart, lastEnd)));
                inChunk = 0;
            }
        }
        if (inChunk > 0) {
            chunks.add(new Chunk(chunks.size(), rows - inChunk + 1, chunkLine, inChunk,
                    Arrays.copyOfRange(file, chunkStart, lastEnd)));
        }
        return new ImportFile(ImportFormat.CSV, names, List.copyOf(chunks), rows, file.length, sha256);
    }

    private static ImportFile ndjson(byte[] file, int from, int chunkRows, String sha256) {
        List<Chunk> chunks = new ArrayList<>();
        int rows = 0;
        int line = 1;
        int pos = from;
        int chunkStart = -1;
        int chunkLine = 0;
        int inChunk = 0;
        int lastEnd = 0;
        while (pos < file.length) {
            int eol = pos;
            while (eol < file.length && file[eol] != '\n') {
                eol++;
            }
            if (!blank(file, pos, eol)) {
                if (inChunk == 0) {
                    chunkStart = pos;
                    chunkLine = line;
                }
                rows++;
                inChunk++;
                lastEnd = Math.min(eol + 1, file.length);
                if (inChunk == chunkRows) {
                    chunks.add(new Chunk(chunks.size(), rows - inChunk + 1, chunkLine, inChunk,
                            Arrays.copyOfRange(file, chunkStart, lastEnd)));
                    inChunk = 0;
                }
            }
            pos = eol + 1;
            line++;
        }
        if (inChunk > 0) {
            chunks.add(new Chunk(chunks.size(), rows - inChunk + 1, chunkLine, inChunk,
                    Arrays.copyOfRange(file, chunkStart, lastEnd)));
        }
        if (rows == 0) {
            throw invalid("the file is empty: an NDJSON import needs one JSON object per line");
        }
        return new ImportFile(ImportFormat.NDJSON, null, List.copyOf(chunks), rows, file.length, sha256);
    }

    /** Lines of an NDJSON chunk: each non-blank line with its physical line number. */
    public static List<Line> lines(Chunk chunk) {
        List<Line> lines = new ArrayList<>(chunk.rowCount());
        byte[] data = chunk.data();
        int line = chunk.firstLine();
        int pos = 0;
        while (pos < data.length) {
            int eol = pos;
            while (eol < data.length && data[eol] != '\n') {
                eol++;
            }
            if (!blank(data, pos, eol)) {
                lines.add(new Line(line, new String(data, pos, eol - pos, StandardCharsets.UTF_8).strip()));
            }
            pos = eol + 1;
            line++;
        }
        return lines;
    }

    public record Line(int line, String text) {
    }

    private static boolean blank(byte[] data, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = data[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    static boolean startsWithBom(byte[] file) {
        return file.length >= 3 && file[0] == BOM[0] && file[1] == BOM[1] && file[2] == BOM[2];
    }

    /** Strict UTF-8: the first malformed byte sequence is reported with its line. */
    static void checkUtf8(byte[] file, int from) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(file, from, file.length - from);
        CharBuffer out = CharBuffer.allocate(64 * 1024);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                int offset = in.position();
                int line = 1;
                for (int i = 0; i < offset; i++) {
                    if (file[i] == '\n') {
                        line++;
                    }
                }
                throw invalid("the file is not valid UTF-8: malformed bytes on line " + line + " (byte offset "
                        + offset + "); save it as UTF-8 and upload it again");
            }
            if (result.isOverflow()) {
                out.clear();
                continue;
            }
            break;
        }
    }

    static ProblemException invalid(String detail) {
        return new ProblemException(ProblemType.INVALID_IMPORT_FILE, detail, List.of(new FieldError("/file", detail)));
    }

    static String sha256(byte[] file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
