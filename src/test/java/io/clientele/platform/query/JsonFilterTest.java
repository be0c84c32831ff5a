package io.clientele.platform.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class JsonFilterTest {

    private static final JsonNode DOC;

    static {
        try {
            DOC = new ObjectMapper().readTree("""
                    {"type": "customer.created", "data": {"customer": {"kind": "company", "displayName": "Acme GmbH",
                     "seats": 12, "vip": true, "tags": ["b2b", "vip"], "ownerId": null, "renewal": "2026-05-01"}}}
                    """);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static boolean m(String filter) {
        return JsonFilter.matches(JsonFilter.parse(filter), DOC);
    }

    @Test
    void comparesTextFormsAndNumbers() {
        assertEquals(true, m("data.customer.kind==company"));
        assertEquals(false, m("data.customer.kind==Company"));
        assertEquals(true, m("data.customer.vip==true"));
        assertEquals(true, m("data.customer.seats==12;data.customer.seats>=10;data.customer.seats<12.5"));
        assertEquals(false, m("data.customer.seats>12"));
        assertEquals(true, m("data.customer.renewal<2026-06-01"));
        assertEquals(true, m("data.customer.displayName=like=acme*"));
        assertEquals(true, m("type=in=(customer.created,customer.updated)"));
        assertEquals(false, m("type=out=(customer.created)"));
    }

    @Test
    void missingAndNullValues() {
        assertEquals(true, m("data.customer.ownerId=isnull=true"));
        assertEquals(true, m("data.customer.nothing=isnull=true"));
        assertEquals(false, m("data.customer.kind=isnull=true"));
        assertEquals(true, m("data.customer.ownerId!=x"));
        assertEquals(false, m("data.customer.ownerId==x"));
        assertEquals(false, m("data.customer.nothing>1"));
        assertEquals(false, m("nope.deeper.still==1"));
    }

    @Test
    void arraysMatchAnyElementAndBooleanLogicComposes() {
        assertEquals(true, m("data.customer.tags==vip"));
        assertEquals(false, m("data.customer.tags!=vip"));
        assertEquals(true, m("data.customer.tags=out=(x,y)"));
        assertEquals(true, m("data.customer.kind==person,data.customer.tags==b2b"));
        assertEquals(false, m("data.customer.kind==person;data.customer.tags==b2b"));
        assertEquals(true, m("(data.customer.kind==person,data.customer.seats>5);type==customer.created"));
    }

    @Test
    void rejectsWhatTheGrammarRejects() {
        assertThrows(InvalidFilterException.class, () -> JsonFilter.parse("data.kind=zz=1"));
        assertThrows(InvalidFilterException.class, () -> JsonFilter.parse("data.kind=isnull=maybe"));
    }
}
