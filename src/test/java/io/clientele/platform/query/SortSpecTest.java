package io.clientele.platform.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.clientele.platform.query.Fixtures.Customer;

class SortSpecTest {

    private static SortSpec<Customer> parse(String sort) {
        return SortSpec.parse(sort, Fixtures.SCHEMA, "-createdAt");
    }

    @Test
    void explicitSortEndsWithIdTieBreaker() {
        SortSpec<Customer> sort = parse("-createdAt,displayName");
        assertEquals(List.of("createdAt", "displayName", "id"), sort.keys().stream().map(k -> k.field().name()).toList());
        assertEquals(List.of(true, false, false), sort.keys().stream().map(SortKey::descending).toList());
        assertEquals("created_at DESC, display_name ASC, id ASC", sort.orderBy());
        assertEquals("-createdAt,displayName,id", sort.canonical());
    }

    @Test
    void idGivenExplicitlyIsNotRepeated() {
        assertEquals("display_name ASC, id DESC", parse("displayName,-id").orderBy());
        assertEquals("id DESC, display_name ASC", parse("-id,displayName").orderBy());
    }

    @Test
    void blankUsesDefaultAndNoDefaultUsesId() {
        assertEquals("-createdAt,id", parse(null).canonical());
        assertEquals("-createdAt,id", parse("  ").canonical());
        assertEquals("id", SortSpec.parse(null, Fixtures.SCHEMA, null).canonical());
    }

    @Test
    void toleratesSpacesAndPlus() {
        // An unencoded '+' reaches the server as a space.
        assertEquals("displayName,-score,id", parse(" displayName , -score ").canonical());
        assertEquals("displayName,id", parse("+displayName").canonical());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "emial           | unknown sort field 'emial'; sortable: displayName, createdAt, kind, score, version, birthday, active, id",
            "tags            | field 'tags' cannot be sorted on; sortable: displayName, createdAt",
            "email           | field 'email' cannot be sorted on",
            "attributes.tier | unknown sort field 'attributes.tier'",
            "score,-score    | field 'score' appears more than once in sort",
            "id,id           | field 'id' appears more than once in sort",
            "score,,id       | empty field name in sort 'score,,id'",
            "score,          | empty field name in sort",
            "-               | empty field name in sort",
            "DisplayName     | unknown sort field 'DisplayName'",
    })
    void invalidSorts(String sort, String message) {
        InvalidSortException e = assertThrows(InvalidSortException.class, () -> parse(sort));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void tooLong() {
        InvalidSortException e = assertThrows(InvalidSortException.class, () -> parse("a".repeat(513)));
        assertTrue(e.getMessage().startsWith("sort is too long"), e.getMessage());
    }

    @Test
    void invalidDefaultIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> SortSpec.parse(null, Fixtures.SCHEMA, "nope"));
    }

    @Test
    void valuesOfNormalisesTypes() {
        Customer c = new Customer(new UUID(1, 2), "Ann", "a@b.c", Instant.parse("2026-01-02T03:04:05Z"),
                Fixtures.Kind.COMPANY, new BigDecimal("1.50"), 7L, LocalDate.of(2000, 1, 2), true);
        SortSpec<Customer> sort = parse("kind,-version,score,birthday,active,createdAt,displayName");
        assertEquals(List.of("company", 7L, new BigDecimal("1.50"), LocalDate.of(2000, 1, 2), true,
                Instant.parse("2026-01-02T03:04:05Z"), "Ann", new UUID(1, 2)), sort.valuesOf(c));
    }

    @Test
    void valuesOfConvertsCommonJavaTypes() {
        record Row(UUID id, Object value) {
        }
        QuerySchema<Row> schema = QuerySchema.<Row>builder()
                .sortableField("v", "v", FieldType.NUMBER, Row::value)
                .sortableField("t", "t", FieldType.INSTANT, Row::value)
                .idField("id", "id", r -> r.id().toString())
                .build();
        UUID id = UUID.randomUUID();
        assertEquals(List.of(5L, id), SortSpec.parse("v", schema, null).valuesOf(new Row(id, 5)));
        assertEquals(List.of(new BigDecimal("2.5"), id), SortSpec.parse("v", schema, null).valuesOf(new Row(id, 2.5d)));
        OffsetDateTime odt = OffsetDateTime.of(2026, 1, 1, 10, 0, 0, 0, ZoneOffset.ofHours(2));
        assertEquals(List.of(odt.toInstant(), id), SortSpec.parse("t", schema, null).valuesOf(new Row(id, odt)));
        IllegalStateException nulls = assertThrows(IllegalStateException.class,
                () -> SortSpec.parse("v", schema, null).valuesOf(new Row(id, null)));
        assertTrue(nulls.getMessage().contains("must be NOT NULL"), nulls.getMessage());
        assertThrows(IllegalStateException.class,
                () -> SortSpec.parse("v", schema, null).valuesOf(new Row(id, new Object())));
    }

    @Test
    void equalityFollowsKeys() {
        assertEquals(parse("displayName"), parse(" displayName,id"));
        assertEquals(parse("displayName").hashCode(), parse("displayName,id").hashCode());
    }
}
