package io.clientele.platform.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.api.Test;

import io.clientele.platform.query.Fixtures.Customer;

class QuerySchemaTest {

    @Test
    void idFieldIsRequired() {
        assertThrows(IllegalStateException.class, () -> QuerySchema.<Customer>builder()
                .field("displayName", "display_name", FieldType.STRING).build());
    }

    @Test
    void duplicateFieldsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> QuerySchema.<Customer>builder()
                .field("a", "a", FieldType.STRING).field("a", "b", FieldType.STRING));
    }

    @Test
    void enumFieldsNeedValues() {
        assertThrows(IllegalStateException.class, () -> QuerySchema.<Customer>builder()
                .field("kind", "kind", FieldType.ENUM).idField("id", "id", Customer::id).build());
        assertThrows(IllegalArgumentException.class,
                () -> QueryField.<Customer>of("kind", "kind", FieldType.ENUM).enumValues(java.util.List.of()));
        assertThrows(IllegalStateException.class,
                () -> QueryField.<Customer>of("kind", "kind", FieldType.STRING).enumValues("a"));
    }

    @Test
    void fieldNamesMustBeIdentifiers() {
        assertThrows(IllegalArgumentException.class, () -> QueryField.of("a.b", "x", FieldType.STRING));
        assertThrows(IllegalArgumentException.class, () -> QueryField.of("1a", "x", FieldType.STRING));
        assertThrows(IllegalArgumentException.class, () -> QueryField.of("a", " ", FieldType.STRING));
    }

    @Test
    void arraysAreNotSortableAndOperatorsMustFitTheType() {
        assertThrows(IllegalStateException.class,
                () -> QueryField.<Customer>of("tags", "tags", FieldType.ARRAY).sortable(c -> "x"));
        assertThrows(IllegalArgumentException.class,
                () -> QueryField.of("active", "active", FieldType.BOOLEAN).operators(Operator.GT));
    }

    @Test
    void jsonPrefixMustNotShadowAField() {
        assertThrows(IllegalStateException.class, () -> QuerySchema.<Customer>builder()
                .field("attributes", "attributes", FieldType.STRING).jsonAttributes("attributes", "attributes")
                .idField("id", "id", Customer::id).build());
    }

    @Test
    void fieldDefaults() {
        QueryField<Customer> f = QueryField.of("kind", "kind", FieldType.ENUM);
        f = f.enumValues("Person", "COMPANY");
        assertEquals(Set.of("person", "company"), f.enumValues());
        assertTrue(f.filterable());
        assertFalse(f.sortable());
        assertEquals(FieldType.ENUM.defaultOperators(), f.operators());
        assertEquals("x", f.normalizer().apply("x"));
    }
}
