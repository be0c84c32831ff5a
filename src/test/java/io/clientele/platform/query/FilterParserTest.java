package io.clientele.platform.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.clientele.platform.query.FilterNode.And;
import io.clientele.platform.query.FilterNode.Comparison;
import io.clientele.platform.query.FilterNode.Or;

class FilterParserTest {

    private static Comparison comparison(String filter) {
        return assertInstanceOf(Comparison.class, FilterParser.parse(filter));
    }

    private static InvalidFilterException fails(String filter) {
        return assertThrows(InvalidFilterException.class, () -> FilterParser.parse(filter));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "   ", "\t\n" })
    void blankMeansNoFilter(String blank) {
        assertNull(FilterParser.parse(blank));
        assertNull(FilterParser.parse(null));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a==1      | EQ",
            "a!=1      | NE",
            "a=gt=1    | GT",
            "a>1       | GT",
            "a=ge=1    | GE",
            "a>=1      | GE",
            "a=lt=1    | LT",
            "a<1       | LT",
            "a=le=1    | LE",
            "a<=1      | LE",
            "a=LE=1    | LE",
            "a=like=1  | LIKE",
    })
    void singleValueOperators(String filter, Operator expected) {
        Comparison c = comparison(filter);
        assertEquals("a", c.selector());
        assertEquals(expected, c.op());
        assertEquals(List.of("1"), c.args());
        assertEquals(0, c.position());
    }

    @Test
    void listOperators() {
        Comparison in = comparison("stage=in=(lead, customer ,'x y')");
        assertEquals(Operator.IN, in.op());
        assertEquals(List.of("lead", "customer", "x y"), in.args());
        Comparison out = comparison("stage=out=(lead)");
        assertEquals(Operator.OUT, out.op());
        assertEquals(List.of("lead"), out.args());
        // RSQL allows a bare single value for list operators.
        assertEquals(List.of("lead"), comparison("stage=in=lead").args());
    }

    @Test
    void isNullTakesBooleanNormalisedToLowercase() {
        Comparison c = comparison("ownerId=isnull=TRUE");
        assertEquals(Operator.ISNULL, c.op());
        assertEquals(List.of("true"), c.args());
        assertEquals(List.of("false"), comparison("ownerId=isnull='False'").args());
    }

    @Test
    void andBindsTighterThanOr() {
        Or or = assertInstanceOf(Or.class, FilterParser.parse("a==1,b==2;c==3"));
        assertEquals(2, or.children().size());
        assertEquals("a", ((Comparison) or.children().get(0)).selector());
        And and = assertInstanceOf(And.class, or.children().get(1));
        assertEquals(List.of("b", "c"), and.children().stream().map(n -> ((Comparison) n).selector()).toList());

        Or left = assertInstanceOf(Or.class, FilterParser.parse("a==1;b==2,c==3"));
        assertInstanceOf(And.class, left.children().get(0));
        assertInstanceOf(Comparison.class, left.children().get(1));
    }

    @Test
    void parenthesesGroup() {
        And and = assertInstanceOf(And.class, FilterParser.parse("(a==1,b==2);c==3"));
        assertInstanceOf(Or.class, and.children().get(0));
        assertEquals("(a==\"1\",b==\"2\");c==\"3\"", and.canonical());
    }

    @Test
    void nestedSameOperatorsAreFlattened() {
        And and = assertInstanceOf(And.class, FilterParser.parse("(a==1;b==2);c==3;((d==4))"));
        assertEquals(4, and.children().size());
        Or or = assertInstanceOf(Or.class, FilterParser.parse("a==1,(b==2,c==3)"));
        assertEquals(3, or.children().size());
    }

    @Test
    void wordOperatorsMatchSymbols() {
        String symbols = FilterParser.parse("a==1;b==2,c==3").canonical();
        assertEquals(symbols, FilterParser.parse("a==1 and b==2 or c==3").canonical());
        assertEquals(symbols, FilterParser.parse("a==1 AND b==2 OR c==3").canonical());
        assertEquals(FilterParser.parse("a==1;(b==2,c==3)").canonical(),
                FilterParser.parse("a==1 and(b==2 or c==3)").canonical());
        // "and" glued to a value is part of the value, not an operator.
        assertEquals(List.of("xand"), comparison("a==xand").args());
        // A field may be called "or".
        And and = assertInstanceOf(And.class, FilterParser.parse("a==1 and or==2"));
        assertEquals("or", ((Comparison) and.children().get(1)).selector());
    }

    @Test
    void whitespaceAroundTokensIsIgnored() {
        assertEquals(FilterParser.parse("a==1;b=in=(1,2)").canonical(),
                FilterParser.parse("  a == 1 ;\n b =in= ( 1 , 2 )  ").canonical());
    }

    @Test
    void quotedValuesWithEscapes() {
        assertEquals("hello world", comparison("name==\"hello world\"").arg());
        assertEquals("it's", comparison("name=='it\\'s'").arg());
        assertEquals("it's", comparison("name==\"it's\"").arg());
        assertEquals("say \"hi\"", comparison("name==\"say \\\"hi\\\"\"").arg());
        assertEquals("back\\slash", comparison("name=='back\\\\slash'").arg());
        assertEquals("a;b,c(d)=e!<>", comparison("name==\"a;b,c(d)=e!<>\"").arg());
        assertEquals("", comparison("name==''").arg());
    }

    @Test
    void unquotedValuesKeepBackslashesAndUrlishCharacters() {
        assertEquals("x\\y", comparison("a==x\\y").arg());
        assertEquals("ann@example.com", comparison("email==ann@example.com").arg());
        assertEquals("2026-01-02T03:04:05+02:00", comparison("createdAt>2026-01-02T03:04:05+02:00").arg());
        assertEquals("*foo*", comparison("name=like=*foo*").arg());
    }

    @Test
    void unicodeValues() {
        assertEquals("*王*", comparison("displayName=like=*王*").arg());
        assertEquals("王小明", comparison("displayName=='王小明'").arg());
        assertEquals("Zoë 😀", comparison("displayName==\"Zoë 😀\"").arg());
    }

    @Test
    void positionsCountCodePoints() {
        // The emoji is two UTF-16 units but one character for the client.
        InvalidFilterException e = fails("a==\"😀\";b=foo=1");
        assertEquals(8, e.position());
        assertTrue(e.getMessage().contains("at position 8"), e.getMessage());
        And and = assertInstanceOf(And.class, FilterParser.parse("a==\"😀\";b==1"));
        assertEquals(7, ((Comparison) and.children().get(1)).position());
    }

    @Test
    void comparisonPositionIsSelectorOffset() {
        And and = assertInstanceOf(And.class, FilterParser.parse("kind==person; emial==x"));
        assertEquals(14, ((Comparison) and.children().get(1)).position());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "a          | 1  | expected an operator after 'a' at position 1 (end of filter)",
            "a==        | 3  | expected a value at position 3 (end of filter)",
            "==1        | 0  | expected a field name or '(' at position 0, found '='",
            "1a==b      | 0  | expected a field name or '(' at position 0, found '1'",
            "a=foo=1    | 1  | unknown operator '=foo=' at position 1; expected one of ==, !=",
            "a=1        | 1  | malformed operator at position 1; expected one of",
            "a!1        | 1  | malformed operator at position 1",
            "a==1;      | 5  | expected a field name or '(' at position 5 (end of filter)",
            "a==1,,b==2 | 5  | expected a field name or '(' at position 5, found ','",
            "a==1 and   | 8  | expected a field name or '(' at position 8 (end of filter)",
            "(a==1      | 5  | expected ')' at position 5 (end of filter) to close the '(' at position 0",
            "(a==1;b==2 c==3) | 11 | expected ')' at position 11, found 'c' to close the '(' at position 0",
            "a==1)      | 4  | unexpected ')' without a matching '(' at position 4",
            "a==1 b==2  | 5  | unexpected 'b' at position 5",
            "a==b=c     | 4  | unexpected '=' at position 4",
            "`a==\"abc` | 3  | unterminated quoted value (missing closing \") at position 3",
            "`a=='ab\\'`| 3  | unterminated quoted value (missing closing ') at position 3",
            "a==(1,2)   | 3  | operator '==' takes a single value, not a list at position 3",
            "a=in=(1,2  | 9  | expected ',' or ')' in the value list at position 9 (end of filter)",
            "a=in=()    | 6  | expected a value at position 6, found ')'",
            "a=in=(1;2) | 7  | expected ',' or ')' in the value list at position 7, found ';'",
            "a=isnull=maybe | 9 | operator '=isnull=' takes true or false at position 9",
            "a=isnull=(true,false) | 9 | operator '=isnull=' takes a single value, not a list at position 9",
            "a==;       | 3  | expected a value at position 3, found ';'",
    })
    void syntaxErrorsNameThePosition(String filter, int position, String message) {
        InvalidFilterException e = fails(filter);
        assertEquals(position, e.position(), e.getMessage());
        assertTrue(e.getMessage().startsWith(message), () -> "got: " + e.getMessage());
    }

    @Test
    void controlCharactersAreRejected() {
        InvalidFilterException e = fails("a==\"x\u0000y\"");
        assertEquals(5, e.position());
        assertTrue(e.getMessage().startsWith("control character U+0000 is not allowed"), e.getMessage());
    }

    @Test
    void lengthLimitCountsCharacters() {
        String prefix = "a==";
        String ok = prefix + "x".repeat(FilterParser.MAX_LENGTH - prefix.length());
        assertNotNull(FilterParser.parse(ok));
        InvalidFilterException e = fails(ok + "x");
        assertTrue(e.getMessage().startsWith("filter is too long: 4097 characters (at most 4096)"), e.getMessage());
        // 3000 emoji are 6000 UTF-16 units but only 3000 characters.
        assertNotNull(FilterParser.parse("a==\"" + "😀".repeat(3000) + "\""));
    }

    @Test
    void nestingLimit() {
        String ten = "(".repeat(10) + "a==1" + ")".repeat(10);
        assertNotNull(FilterParser.parse(ten));
        InvalidFilterException e = fails("(".repeat(11) + "a==1" + ")".repeat(11));
        assertEquals(10, e.position());
        assertTrue(e.getMessage().startsWith("parentheses nested deeper than 10 levels"), e.getMessage());
        // Depth is about nesting, not the number of groups.
        assertNotNull(FilterParser.parse(String.join(";", java.util.Collections.nCopies(12, "((a==1))"))));
    }

    @Test
    void comparisonLimit() {
        String fifty = String.join(";", java.util.Collections.nCopies(50, "a==1"));
        assertEquals(50, assertInstanceOf(And.class, FilterParser.parse(fifty)).children().size());
        InvalidFilterException e = fails(fifty + ",b==2");
        assertEquals(fifty.length() + 1, e.position());
        assertTrue(e.getMessage().startsWith("filter has more than 50 comparisons"), e.getMessage());
    }

    @Test
    void canonicalFormIsStableAndReparses() {
        String messy = " ( a > 1 , b=='x\\'y' ) and c=in=(\"p\",q) ; d=isnull=TRUE or e=like=*王* ";
        FilterNode node = FilterParser.parse(messy);
        String canonical = node.canonical();
        assertEquals("(a=gt=\"1\",b==\"x'y\");c=in=(\"p\",\"q\");d=isnull=\"true\",e=like=\"*王*\"", canonical);
        assertEquals(canonical, FilterParser.parse(canonical).canonical());
        // Spelling variants mean the same query.
        assertEquals(FilterParser.parse("a>1").canonical(), FilterParser.parse("a =gt= '1'").canonical());
    }

    @Test
    void canonicalEscapesQuotesAndBackslashes() {
        FilterNode node = FilterParser.parse("a=='say \"\\\\\"'");
        assertEquals("a==\"say \\\"\\\\\\\"\"", node.canonical());
        assertEquals("say \"\\\"", ((Comparison) FilterParser.parse(node.canonical())).arg());
    }
}
