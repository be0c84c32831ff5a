package io.clientele.platform.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.clientele.platform.query.Fixtures.Customer;

class ListQueryTest {

    private final CursorCodec codec = new CursorCodec(new byte[32]);

    private ListQuery<Customer> query(String filter, String sort, String cursor) {
        return ListQuery.of("customers", Fixtures.SCHEMA, filter, sort, "-createdAt", cursor, codec);
    }

    @Test
    void firstPageHasOnlyTheFilter() {
        ListQuery<Customer> q = query("kind==person", null, null);
        assertEquals("kind = :q_1", q.where().sql());
        assertEquals(Map.of("q_1", "person"), q.where().params());
        assertEquals("created_at DESC, id ASC", q.orderBy());
        assertEquals("kind==\"person\"", q.filter().canonical());
        assertTrue(query(null, null, null).where().isTrue());
        assertNull(query(null, null, null).filter());
    }

    @Test
    void nextPageAddsKeysetCondition() {
        Customer last = Fixtures.customer(5);
        String cursor = query("kind==person", null, null).cursorAfter(last);
        ListQuery<Customer> next = query(" kind == 'person' ", "-createdAt", cursor);
        // The id tie-breaker is ascending, so directions are mixed.
        assertEquals("(kind = :q_1) AND (((created_at < :q_k1) OR (created_at = :q_k1 AND id > :q_k2)))",
                next.where().sql());
        assertEquals(OffsetDateTime.of(2026, 1, 1, 0, 0, 5, 0, ZoneOffset.UTC), next.where().params().get("q_k1"));
        assertEquals(last.id(), next.where().params().get("q_k2"));

        String byIdDesc = query(null, "-createdAt,-id", null).cursorAfter(last);
        assertEquals("(created_at, id) < (:q_k1, :q_k2)", query(null, "-createdAt,-id", byIdDesc).where().sql());
    }

    @Test
    void cursorIsBoundToFilterSortAndScope() {
        String cursor = query("kind==person", null, null).cursorAfter(Fixtures.customer(5));
        assertThrows(InvalidCursorException.class, () -> query("kind==company", null, cursor));
        assertThrows(InvalidCursorException.class, () -> query("kind==person", "displayName", cursor));
        assertThrows(InvalidCursorException.class, () -> query(null, null, cursor));
        assertThrows(InvalidCursorException.class,
                () -> ListQuery.of("tickets", Fixtures.SCHEMA, "kind==person", null, "-createdAt", cursor, codec));
    }

    @Test
    void badInputSurfacesAsQueryExceptions() {
        assertThrows(InvalidFilterException.class, () -> query("kind=", null, null));
        assertThrows(InvalidSortException.class, () -> query(null, "nope", null));
        assertThrows(InvalidCursorException.class, () -> query(null, null, "garbage!"));
    }
}
