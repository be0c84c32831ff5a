package io.clientele.platform.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CsvWriterTest {

    private static String line(CsvWriter w) {
        return w.endRecord().buffer().toString();
    }

    @Test
    void plainFieldsAreSeparatedByCommasAndRecordsEndWithCrlf() {
        CsvWriter w = new CsvWriter();
        w.text("a").text("b c").endRecord();
        w.text("d").text(null).text("").number(7);
        assertEquals("a,b c\r\nd,,,7\r\n", line(w));
    }

    @Test
    void fieldsWithCommasQuotesOrLineBreaksAreQuotedAndQuotesDoubled() {
        assertEquals("\"a,b\"\r\n", line(new CsvWriter().text("a,b")));
        assertEquals("\"say \"\"hi\"\"\"\r\n", line(new CsvWriter().text("say \"hi\"")));
        assertEquals("\"one\ntwo\"\r\n", line(new CsvWriter().text("one\ntwo")));
        assertEquals("\"one\r\ntwo\"\r\n", line(new CsvWriter().text("one\r\ntwo")));
        assertEquals("\"x\ry\"\r\n", line(new CsvWriter().text("x\ry")));
        assertEquals("北京市,\"张, 伟\"\r\n", line(new CsvWriter().text("北京市").text("张, 伟")));
        assertEquals("it's\r\n", line(new CsvWriter().text("it's")));
    }

    @Test
    void everyFormulaTriggerGetsAnApostrophe() {
        assertEquals("'=1+2\r\n", line(new CsvWriter().text("=1+2")));
        assertEquals("'+1\r\n", line(new CsvWriter().text("+1")));
        assertEquals("'-1\r\n", line(new CsvWriter().text("-1")));
        assertEquals("'@SUM(A1)\r\n", line(new CsvWriter().text("@SUM(A1)")));
        assertEquals("'\tx\r\n", line(new CsvWriter().text("\tx")));
        assertEquals("\"'\rx\"\r\n", line(new CsvWriter().text("\rx")));
        // Neutralised first, then quoted: the apostrophe sits inside the quotes.
        assertEquals("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n",
                line(new CsvWriter().text("=HYPERLINK(\"http://x\",\"y\")")));
        assertEquals("a=b,'=c\r\n", line(new CsvWriter().text("a=b").text("=c")));
        assertEquals(" =1\r\n", line(new CsvWriter().text(" =1")));
        assertEquals("'\r\n", line(new CsvWriter().text("'")));
    }

    @Test
    void jsonNumbersAreWrittenAsTheyAreAndAnythingElseAsText() {
        assertEquals("-42,-3.5,1.5E-5,0,12\r\n",
                line(new CsvWriter().number("-42").number("-3.5").number("1.5E-5").number("0").number(12)));
        assertEquals("'-1+2,'-,'--1,'+5\r\n",
                line(new CsvWriter().number("-1+2").number("-").number("--1").number("+5")));
        assertEquals("\r\n", line(new CsvWriter().number((String) null)));
    }

    @Test
    void neutraliseLeavesSafeTextAlone() {
        assertEquals("", CsvWriter.neutralise(""));
        assertEquals("Ada", CsvWriter.neutralise("Ada"));
        assertEquals("'=x", CsvWriter.neutralise("=x"));
    }
}
