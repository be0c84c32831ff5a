package io.clientele.platform.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SqlFilterCompilerTest {

    private static SqlFragment compile(String filter) {
        return SqlFilterCompiler.compile(FilterParser.parse(filter), Fixtures.SCHEMA);
    }

    private static InvalidFilterException fails(String filter) {
        return assertThrows(InvalidFilterException.class, () -> compile(filter));
    }

    private static Map<String, Object> params(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static void assertSql(String filter, String sql, Object... kv) {
        SqlFragment f = compile(filter);
        assertEquals(sql, f.sql());
        assertEquals(params(kv), f.params());
    }

    @Test
    void noFilterIsTrue() {
        assertSame(SqlFragment.TRUE, SqlFilterCompiler.compile(null, Fixtures.SCHEMA));
        assertEquals("TRUE", compile("  ").sql());
    }

    @Test
    void stringOperators() {
        assertSql("displayName==Ann", "display_name = :q_1", "q_1", "Ann");
        assertSql("displayName!=Ann", "display_name IS DISTINCT FROM :q_1", "q_1", "Ann");
        assertSql("displayName>=m", "display_name >= :q_1", "q_1", "m");
        assertSql("displayName<m", "display_name < :q_1", "q_1", "m");
        assertSql("displayName=in=(a,b)", "display_name IN (:q_1, :q_2)", "q_1", "a", "q_2", "b");
        assertSql("displayName=out=(a,b)", "(display_name IS NULL OR display_name NOT IN (:q_1, :q_2))",
                "q_1", "a", "q_2", "b");
        assertSql("displayName=isnull=true", "display_name IS NULL");
        assertSql("displayName=isnull=false", "display_name IS NOT NULL");
    }

    @Test
    void likeEscapesSqlWildcardsAndMapsStar() {
        assertSql("displayName=like=*王*", "display_name ILIKE :q_1 ESCAPE '\\'", "q_1", "%王%");
        assertSql("displayName=like='50%_off\\\\*'", "display_name ILIKE :q_1 ESCAPE '\\'", "q_1", "50\\%\\_off\\\\%");
        // No star: a case-insensitive exact match.
        assertSql("displayName=like=ann", "display_name ILIKE :q_1 ESCAPE '\\'", "q_1", "ann");
    }

    @Test
    void caseInsensitiveStringUsesLowerAndTheNormalizer() {
        assertSql("email==Ann@Example.COM", "lower(email) = lower(CAST(:q_1 AS text))", "q_1", "ann@example.com");
        assertSql("email!=x@y.z", "lower(email) IS DISTINCT FROM lower(CAST(:q_1 AS text))", "q_1", "x@y.z");
        assertSql("email=out=(A@b.c)", "(email IS NULL OR lower(email) NOT IN (lower(CAST(:q_1 AS text))))",
                "q_1", "a@b.c");
        // Patterns are not normalised (a normalizer could reject the '*').
        assertSql("email=like=*@Example.com", "email ILIKE :q_1 ESCAPE '\\'", "q_1", "%@Example.com");
    }

    @Test
    void normalizerFailureNamesFieldAndPosition() {
        InvalidFilterException e = fails("kind==person;phone==abc");
        assertEquals("invalid value 'abc' for field 'phone' at position 13: not a phone number", e.getMessage());
        assertEquals(13, e.position());
    }

    @Test
    void uuidBindsUuid() {
        UUID id = UUID.fromString("0b0e9d5c-3b4f-4a53-9d7e-2f1c8e6b7a10");
        assertSql("companyId==0B0E9D5C-3B4F-4A53-9D7E-2F1C8E6B7A10", "company_id = :q_1", "q_1", id);
        assertSql("id=in=(" + id + ")", "id IN (:q_1)", "q_1", id);
    }

    @ParameterizedTest
    @ValueSource(strings = { "nope", "1-1-1-1-1", "0b0e9d5c3b4f4a539d7e2f1c8e6b7a10", "0b0e9d5c-3b4f-4a53-9d7e-2f1c8e6b7a1" })
    void badUuidIsRejected(String value) {
        InvalidFilterException e = fails("companyId==" + value);
        assertTrue(e.getMessage().startsWith("invalid value '" + value + "' for field 'companyId' at position 0; expected a UUID"),
                e.getMessage());
    }

    @Test
    void enumIsCaseInsensitiveAndBoundLowercase() {
        assertSql("lifecycleStage=in=(Lead,CUSTOMER);createdAt=ge=2026-01-01",
                "(lifecycle_stage IN (:q_1, :q_2) AND created_at >= :q_3)",
                "q_1", "lead", "q_2", "customer", "q_3", OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
        InvalidFilterException e = fails("kind==robot");
        assertEquals("invalid value 'robot' for field 'kind' at position 0; allowed: person, company", e.getMessage());
    }

    @Test
    void operatorNotAllowedOnType() {
        InvalidFilterException e = fails("kind=gt=person");
        assertEquals("operator '=gt=' is not allowed on field 'kind' at position 0; allowed: ==, !=, =in=, =out=, =isnull=",
                e.getMessage());
        assertTrue(fails("active>true").getMessage().startsWith("operator '=gt=' is not allowed on field 'active'"));
        assertTrue(fails("score=like=1*").getMessage().startsWith("operator '=like=' is not allowed on field 'score'"));
        assertTrue(fails("tags>a").getMessage().startsWith("operator '=gt=' is not allowed on field 'tags'"));
    }

    @Test
    void fieldCanNarrowOperators() {
        assertSql("externalId==X-1", "external_id = :q_1", "q_1", "X-1");
        assertEquals("operator '!=' is not allowed on field 'externalId' at position 0; allowed: ==, =in=",
                fails("externalId!=X-1").getMessage());
    }

    @Test
    void instantsAcceptZuluOffsetsAndDates() {
        assertSql("createdAt>2026-01-02T03:04:05Z", "created_at > :q_1",
                "q_1", OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC));
        assertSql("createdAt>2026-01-02T03:04:05.123+02:00", "created_at > :q_1",
                "q_1", OffsetDateTime.of(2026, 1, 2, 1, 4, 5, 123_000_000, ZoneOffset.UTC));
        assertSql("createdAt<2026-01-02", "created_at < :q_1",
                "q_1", OffsetDateTime.of(2026, 1, 2, 0, 0, 0, 0, ZoneOffset.UTC));
    }

    @ParameterizedTest
    @ValueSource(strings = { "2026-13-01", "2026-01-02T03:04:05", "yesterday", "10000-01-01", "2026-02-30", "1700000000" })
    void badInstantsAreRejected(String value) {
        InvalidFilterException e = fails("createdAt>" + value);
        assertEquals("invalid value '" + value + "' for field 'createdAt' at position 0; expected an ISO-8601 instant"
                + " such as 2026-01-02T03:04:05Z or a date such as 2026-01-02", e.getMessage());
    }

    @Test
    void datesBindLocalDate() {
        assertSql("birthday=le=2000-02-29", "birthday <= :q_1", "q_1", LocalDate.of(2000, 2, 29));
        assertEquals("invalid value '2001-02-29' for field 'birthday' at position 0; expected a date such as 2026-01-02",
                fails("birthday==2001-02-29").getMessage());
        assertTrue(fails("birthday==2000-01-01T00:00:00Z").getMessage().contains("expected a date"));
    }

    @Test
    void numbersBindBigDecimalComparedAsNumeric() {
        assertSql("score>-3.50", "score > CAST(:q_1 AS numeric)", "q_1", new BigDecimal("-3.50"));
        assertSql("version=in=(1,2e3)", "version IN (CAST(:q_1 AS numeric), CAST(:q_2 AS numeric))",
                "q_1", new BigDecimal("1"), "q_2", new BigDecimal("2e3"));
        assertSql("score!=1", "score IS DISTINCT FROM CAST(:q_1 AS numeric)", "q_1", BigDecimal.ONE);
    }

    @ParameterizedTest
    @ValueSource(strings = { "abc", "1,5", "NaN", "Infinity", "0x10", "1e99999", "--1", "1.2.3" })
    void badNumbersAreRejected(String value) {
        InvalidFilterException e = fails("score=='" + value + "'");
        assertEquals("invalid value '" + value + "' for field 'score' at position 0; expected a number such as 42 or -3.5",
                e.getMessage());
    }

    @Test
    void booleans() {
        assertSql("active==TRUE", "active = :q_1", "q_1", Boolean.TRUE);
        assertSql("active!=false", "active IS DISTINCT FROM :q_1", "q_1", Boolean.FALSE);
        assertEquals("invalid value 'yes' for field 'active' at position 0; expected true or false",
                fails("active==yes").getMessage());
    }

    @Test
    void arrays() {
        assertSql("tags==vip", "tags @> ARRAY[CAST(:q_1 AS text)]", "q_1", "vip");
        assertSql("tags!=vip", "(tags IS NULL OR NOT (tags @> ARRAY[CAST(:q_1 AS text)]))", "q_1", "vip");
        assertSql("tags=in=(a,b)", "tags && ARRAY[CAST(:q_1 AS text), CAST(:q_2 AS text)]", "q_1", "a", "q_2", "b");
        assertSql("tags=out=(a,b)", "(tags IS NULL OR NOT (tags && ARRAY[CAST(:q_1 AS text), CAST(:q_2 AS text)]))",
                "q_1", "a", "q_2", "b");
        assertSql("tags=isnull=true", "(tags IS NULL OR cardinality(tags) = 0)");
        assertSql("tags=isnull=false", "cardinality(tags) > 0");
        // The normalizer applies to array elements too.
        assertSql("phone=='+49 (30) 1234-567'", "phone_keys @> ARRAY[CAST(:q_1 AS text)]", "q_1", "+49301234567");
    }

    @Test
    void jsonAttributesBindKeyAndValue() {
        assertSql("attributes.tier==gold", "(attributes ->> CAST(:q_1 AS text)) = CAST(:q_2 AS text)",
                "q_1", "tier", "q_2", "gold");
        assertSql("attributes.tier!=gold", "(attributes ->> CAST(:q_1 AS text)) IS DISTINCT FROM CAST(:q_2 AS text)",
                "q_1", "tier", "q_2", "gold");
        assertSql("attributes.tier=in=(gold,silver)",
                "(attributes ->> CAST(:q_1 AS text)) IN (CAST(:q_2 AS text), CAST(:q_3 AS text))",
                "q_1", "tier", "q_2", "gold", "q_3", "silver");
        assertSql("attributes.tier=out=(gold)",
                "((attributes ->> CAST(:q_1 AS text)) IS NULL OR (attributes ->> CAST(:q_1 AS text)) NOT IN (CAST(:q_2 AS text)))",
                "q_1", "tier", "q_2", "gold");
        assertSql("attributes.tier=isnull=true", "(attributes ->> CAST(:q_1 AS text)) IS NULL", "q_1", "tier");
        assertSql("attributes.tier=like=G*", "(attributes ->> CAST(:q_1 AS text)) ILIKE CAST(:q_2 AS text) ESCAPE '\\'",
                "q_1", "tier", "q_2", "G%");
    }

    @Test
    void jsonOrderingIsNumericForNumbersAndTextOtherwise() {
        assertSql("attributes.seats>=10",
                "CASE WHEN jsonb_typeof(attributes -> CAST(:q_1 AS text)) = 'number' THEN CAST(attributes ->> CAST(:q_1 AS text)"
                        + " AS numeric) END >= CAST(:q_2 AS numeric)",
                "q_1", "seats", "q_2", new BigDecimal("10"));
        assertSql("attributes.renewal<2026-06-01", "(attributes ->> CAST(:q_1 AS text)) < CAST(:q_2 AS text)",
                "q_1", "renewal", "q_2", "2026-06-01");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "attributes.1tier==x | '1tier'",
            "attributes.==x      | ''",
            "attributes.a.b==x   | 'a.b'",
    })
    void invalidAttributeKeys(String filter, String key) {
        InvalidFilterException e = fails(filter);
        assertTrue(e.getMessage().startsWith("invalid attribute key '" + key + "' at position 0"), e.getMessage());
    }

    @Test
    void attributeKeyLengthLimit() {
        assertEquals("k".repeat(64), compile("attributes." + "k".repeat(64) + "==x").params().get("q_1"));
        fails("attributes." + "k".repeat(65) + "==x");
    }

    @Test
    void unknownFieldListsAllowedFields() {
        InvalidFilterException e = fails("kind==person;emial==ann@example.com");
        assertEquals("unknown field 'emial' at position 13; allowed: displayName, email, phone, createdAt, kind,"
                + " lifecycleStage, score, version, birthday, active, companyId, tags, externalId, id, attributes.<key>",
                e.getMessage());
        assertEquals(13, e.position());
    }

    @Test
    void nonFilterableField() {
        assertTrue(fails("secret==x").getMessage().startsWith("field 'secret' cannot be used in a filter at position 0"));
    }

    @Test
    void jsonSelectorsNeedJsonAttributes() {
        QuerySchema<Fixtures.Customer> plain = QuerySchema.<Fixtures.Customer>builder()
                .idField("id", "id", Fixtures.Customer::id).build();
        InvalidFilterException e = assertThrows(InvalidFilterException.class,
                () -> SqlFilterCompiler.compile(FilterParser.parse("attributes.tier==gold"), plain));
        assertEquals("unknown field 'attributes.tier' at position 0; allowed: id", e.getMessage());
    }

    @Test
    void nestedLogicKeepsStructureAndNumbersParameters() {
        assertSql("(kind==person,score>3);active==true,displayName==x",
                "(((kind = :q_1 OR score > CAST(:q_2 AS numeric)) AND active = :q_3) OR display_name = :q_4)",
                "q_1", "person", "q_2", new BigDecimal("3"), "q_3", Boolean.TRUE, "q_4", "x");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "x' OR '1'='1",
            "'; DROP TABLE customer; --",
            "a) OR (1=1",
            ":q_1",
            "\\'; SELECT pg_sleep(10); --",
            "$$ || 1 || $$",
    })
    void hostileValuesStayInParameters(String hostile) {
        String quoted = "\"" + hostile.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        for (String filter : List.of("displayName==" + quoted, "displayName=like=" + quoted,
                "attributes.tier=in=(" + quoted + ",b)", "email==" + quoted, "tags==" + quoted)) {
            SqlFragment f = compile(filter);
            assertTrue(f.params().containsValue(hostile) || f.params().containsValue(hostile.toLowerCase())
                    || f.params().containsValue(SqlFilterCompiler.likePattern(hostile)), filter);
            assertOnlyGeneratedParameters(f);
            if (!hostile.startsWith(":q_")) {
                assertFalse(f.sql().contains(hostile), f.sql());
            }
            assertFalse(f.sql().contains("--"), f.sql());
            assertFalse(f.sql().contains("DROP"), f.sql());
        }
    }

    @Test
    void selectorsCannotSmuggleSql() {
        fails("display_name);DROP TABLE x;--==1");
        fails("id OR 1=1");
        InvalidFilterException e = fails("displayName/**/==x");
        assertTrue(e.getMessage().startsWith("expected an operator after 'displayName' at position 11"), e.getMessage());
    }

    private static final Pattern PARAM = Pattern.compile(":([A-Za-z_][A-Za-z0-9_]*)");

    /** Every :name in the SQL is one we bound, and nothing else looks like a parameter. */
    private static void assertOnlyGeneratedParameters(SqlFragment f) {
        Matcher m = PARAM.matcher(f.sql());
        int found = 0;
        while (m.find()) {
            assertTrue(m.group(1).matches("q_\\d+"), m.group(1));
            assertTrue(f.params().containsKey(m.group(1)), m.group(1));
            found++;
        }
        assertTrue(found >= f.params().size());
        String withoutOwnLiterals = f.sql().replace("ESCAPE '\\'", "").replace("= 'number'", "");
        assertFalse(withoutOwnLiterals.contains("'"), "only our own literals may be quoted: " + f.sql());
    }
}
