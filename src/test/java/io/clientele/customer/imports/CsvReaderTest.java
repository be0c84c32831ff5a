package io.clientele.customer.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;

class CsvReaderTest {

    static List<CsvReader.Record> all(String csv) {
        byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
        CsvReader reader = new CsvReader(bytes, 0, bytes.length, 1);
        List<CsvReader.Record> out = new ArrayList<>();
        CsvReader.Record r;
        while ((r = reader.next()) != null) {
            out.add(r);
        }
        return out;
    }

    @Test
    void plainFieldsAndLineEndings() {
        List<CsvReader.Record> records = all("a,b,c\r\n1,2,3\n4,5,6\r7,8,9");
        assertEquals(4, records.size());
        assertEquals(List.of("1", "2", "3"), records.get(1).fields());
        assertEquals(List.of("7", "8", "9"), records.get(3).fields());
        assertEquals(4, records.get(3).line());
    }

    @Test
    void quotedFieldsHoldCommasQuotesAndNewlines() {
        List<CsvReader.Record> records = all("name,note\n\"Lovelace, Ada\",\"said \"\"hi\"\"\nand left\"\nx,\"\"\n");
        assertEquals(List.of("Lovelace, Ada", "said \"hi\"\nand left"), records.get(1).fields());
        assertEquals(2, records.get(1).line());
        // The record after a two-line field starts on line 4.
        assertEquals(List.of("x", ""), records.get(2).fields());
        assertEquals(4, records.get(2).line());
    }

    @Test
    void emptyFieldsTrailingCommaAndBlankLines() {
        List<CsvReader.Record> records = all("a,,c,\n\n\n,\n");
        assertEquals(2, records.size());
        assertEquals(List.of("a", "", "c", ""), records.get(0).fields());
        assertEquals(List.of("", ""), records.get(1).fields());
        assertEquals(4, records.get(1).line());
    }

    @Test
    void chineseTextAndLiteralQuotesInUnquotedFields() {
        List<CsvReader.Record> records = all("王小明,北京市,5\" disk\n");
        assertEquals(List.of("王小明", "北京市", "5\" disk"), records.get(0).fields());
    }

    @Test
    void textAfterAClosingQuoteIsARecordErrorAndReadingGoesOn() {
        List<CsvReader.Record> records = all("\"ab\"cd,e\nok,1\n");
        assertNotNull(records.get(0).error());
        assertNull(records.get(1).error());
        assertEquals(List.of("ok", "1"), records.get(1).fields());
    }

    @Test
    void unclosedQuoteRunsToTheEnd() {
        List<CsvReader.Record> records = all("a,\"open\nb,c\n");
        assertEquals(1, records.size());
        assertTrue(records.get(0).error().contains("not closed"));
    }

    @Test
    void fileIsSplitIntoChunksOfWholeRecordsWithRowsAndLines() {
        String csv = "\uFEFFname,note\nA,\"x\ny\"\nB,1\nC,2\n\nD,3\n";
        ImportFile file = ImportFile.read(csv.getBytes(StandardCharsets.UTF_8), ImportFormat.CSV, 2);
        assertEquals(List.of("name", "note"), file.header());
        assertEquals(4, file.totalRows());
        assertEquals(2, file.chunks().size());
        ImportFile.Chunk second = file.chunks().get(1);
        assertEquals(3, second.firstRow());
        assertEquals(5, second.firstLine());
        CsvReader reader = new CsvReader(second.data(), 0, second.data().length, second.firstLine());
        assertEquals(List.of("C", "2"), reader.next().fields());
        CsvReader.Record d = reader.next();
        assertEquals(List.of("D", "3"), d.fields());
        assertEquals(7, d.line());
        assertNull(reader.next());
    }

    @Test
    void brokenFilesAreRejectedBeforeAnyJob() {
        byte[] latin1 = "name\nJos\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        ProblemException e = assertThrows(ProblemException.class, () -> ImportFile.read(latin1, ImportFormat.CSV, 10));
        assertEquals(ProblemType.INVALID_IMPORT_FILE, e.type());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertThrows(ProblemException.class, () -> ImportFile.read(new byte[0], ImportFormat.CSV, 10));
        assertThrows(ProblemException.class,
                () -> ImportFile.read("a\n\"open\n".getBytes(StandardCharsets.UTF_8), ImportFormat.CSV, 10));
    }

    @Test
    void ndjsonLinesAreRowsAndBlankLinesAreNot() {
        String nd = "{\"a\":1}\n\n{\"a\":2}\r\n{\"a\":3}";
        ImportFile file = ImportFile.read(nd.getBytes(StandardCharsets.UTF_8), ImportFormat.NDJSON, 2);
        assertEquals(3, file.totalRows());
        List<ImportFile.Line> lines = ImportFile.lines(file.chunks().get(0));
        assertEquals(2, lines.size());
        assertEquals(3, lines.get(1).line());
        assertEquals("{\"a\":2}", lines.get(1).text());
        assertEquals(4, ImportFile.lines(file.chunks().get(1)).get(0).line());
    }
}
