package io.clientele.customer.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.clientele.platform.errors.FieldError;
import io.clientele.platform.errors.ProblemException;

class ImportMappingTest {

    static final List<String> HEADER = List.of("Name", "E-mail", "Work mail", "Phone", "Country", "Loyalty", "Notes");

    static ImportOptions options(Map<String, String> mapping) {
        return new ImportOptions("csv", mapping, Map.of("kind", "person"), "GB", "update", List.of("email"));
    }

    @Test
    void mapsColumnsToACustomerDocument() {
        ImportMapping m = ImportMapping.of(options(Map.of("Name", "firstName", "E-mail", "emails[1].address",
                "Phone", "phones[0].number", "Country", "addresses[0].country", "Loyalty", "attributes.loyalty")),
                HEADER);
        ImportMapping.RowDoc row = m.csvRow(List.of(" Ada ", "ada@example.com", "", "020 7946 0018", "gb", "gold", "x"));
        assertEquals("Ada", row.doc().get("firstName").asText());
        // emails[1] with no emails[0] is compacted to the first email, and still names its column.
        assertEquals("ada@example.com", row.doc().at("/emails/0/address").asText());
        assertEquals("E-mail", row.column("/emails/0/address"));
        assertEquals("GB", row.doc().at("/phones/0/region").asText());
        assertEquals("gold", row.doc().at("/attributes/loyalty").asText());
        assertEquals("Loyalty", row.column("/attributes/loyalty"));
        // Defaults are for creates only.
        assertTrue(row.doc().get("kind") == null);
        assertEquals("person", m.withDefaults(row.doc()).get("kind").asText());
        assertEquals(ImportDuplicatePolicy.UPDATE, m.policy());
        assertEquals(List.of(MatchKey.EMAIL), m.matchOn());
    }

    @Test
    void raggedRowsAreRowErrors() {
        ImportMapping m = ImportMapping.of(options(Map.of("Name", "firstName")), HEADER);
        assertNotNull(m.csvRow(List.of("a", "b")).error());
    }

    @Test
    void badMappingIsOne422WithEveryProblem() {
        ProblemException e = assertThrows(ProblemException.class, () -> ImportMapping.of(new ImportOptions("csv",
                Map.of("Name", "nickname", "Missing", "lastName", "E-mail", "emails[0].address", "Work mail",
                        "emails[0].address"),
                null, "XX", "merge", List.of("email", "fax")), HEADER));
        List<String> pointers = e.errors().stream().map(FieldError::pointer).toList();
        assertTrue(pointers.contains("/options/mapping/Name"), pointers.toString());
        assertTrue(pointers.contains("/options/mapping/Missing"), pointers.toString());
        assertTrue(pointers.contains("/options/defaultRegion"), pointers.toString());
        assertTrue(pointers.contains("/options/duplicatePolicy"), pointers.toString());
        assertTrue(pointers.contains("/options/matchOn/1"), pointers.toString());
        assertTrue(pointers.stream().anyMatch(p -> p.equals("/options/mapping/E-mail") || p.equals("/options/mapping/Work mail")),
                pointers.toString());
    }

    @Test
    void withoutAMappingTheHeaderNamesTheFields() {
        ImportMapping m = ImportMapping.of(new ImportOptions("csv", null, null, null, null, null),
                List.of("kind", "name", "emails[0].address"));
        assertEquals("Acme", m.csvRow(List.of("company", "Acme", "")).doc().get("name").asText());
        assertThrows(ProblemException.class, () -> ImportMapping.of(new ImportOptions("csv", null, null, null, null,
                null), List.of("kind", "Company name")));
    }

    @Test
    void fieldPaths() {
        assertEquals("/emails/3/label", ImportMapping.FieldPath.parse("emails[3].label").pointer());
        assertEquals("/attributes/tier", ImportMapping.FieldPath.parse("attributes.tier").pointer());
        assertEquals(null, ImportMapping.FieldPath.parse("emails[20].address"));
        assertEquals(null, ImportMapping.FieldPath.parse("phones[0].address"));
        assertEquals(null, ImportMapping.FieldPath.parse("attributes.9x"));
        assertEquals(null, ImportMapping.FieldPath.parse("companyId"));
    }

    @Test
    void booleanColumns() {
        ImportMapping m = ImportMapping.of(new ImportOptions("csv", Map.of("P", "emails[0].primary", "E",
                "emails[0].address"), null, null, null, null), List.of("E", "P"));
        assertTrue(m.csvRow(List.of("a@b.co", "yes")).doc().at("/emails/0/primary").asBoolean());
        assertTrue(m.csvRow(List.of("a@b.co", "maybe")).doc().at("/emails/0/primary").isTextual());
    }
}
