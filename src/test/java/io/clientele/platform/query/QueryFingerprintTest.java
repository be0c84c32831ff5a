package io.clientele.platform.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.clientele.platform.query.Fixtures.Customer;

class QueryFingerprintTest {

    private static String fp(String filter, String sort) {
        return QueryFingerprint.of(FilterParser.parse(filter), SortSpec.<Customer>parse(sort, Fixtures.SCHEMA, null));
    }

    @Test
    void isSha256Hex() {
        assertTrue(fp("kind==person", "displayName").matches("[0-9a-f]{64}"));
    }

    @Test
    void ignoresSpellingOfTheSameQuery() {
        assertEquals(fp("score>3;kind==person", "displayName"), fp(" score =gt= '3' and kind == \"person\" ", "displayName,id"));
        assertEquals(fp(null, null), fp("  ", " "));
        assertEquals(fp(null, null), QueryFingerprint.of("", SortSpec.parse(null, Fixtures.SCHEMA, null)));
    }

    @Test
    void differsForDifferentFilterOrSort() {
        assertNotEquals(fp("kind==person", "displayName"), fp("kind==company", "displayName"));
        assertNotEquals(fp("kind==person", "displayName"), fp("kind==person", "-displayName"));
        assertNotEquals(fp(null, "displayName"), fp(null, null));
        assertNotEquals(fp("a==1;b==2", null), fp("a==1,b==2", null));
    }

    @Test
    void filterTextCannotImitateTheSortPart() {
        SortSpec<Customer> byId = SortSpec.parse(null, Fixtures.SCHEMA, null);
        assertNotEquals(QueryFingerprint.of("x", byId), QueryFingerprint.of("x\nsort:id", byId));
    }
}
