package io.clientele.platform.query;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import java.util.UUID;

/** A customer-like entity and schema shared by the query tests. */
final class Fixtures {

    enum Kind {
        PERSON, COMPANY
    }

    record Customer(UUID id, String displayName, String email, Instant createdAt, Kind kind, BigDecimal score,
            long version, LocalDate birthday, boolean active) {
    }

    static final QuerySchema<Customer> SCHEMA = QuerySchema.<Customer>builder()
            .sortableField("displayName", "display_name", FieldType.STRING, Customer::displayName)
            .field(QueryField.<Customer>of("email", "email", FieldType.CI_STRING)
                    .normalizer(v -> v.strip().toLowerCase(Locale.ROOT)))
            .field(QueryField.<Customer>of("phone", "phone_keys", FieldType.ARRAY).normalizer(Fixtures::e164))
            .sortableField("createdAt", "created_at", FieldType.INSTANT, Customer::createdAt)
            .field(QueryField.<Customer>of("kind", "kind", FieldType.ENUM).enumValues("person", "company")
                    .sortable(Customer::kind))
            .field(QueryField.<Customer>of("lifecycleStage", "lifecycle_stage", FieldType.ENUM)
                    .enumValues("lead", "prospect", "customer", "churned"))
            .sortableField("score", "score", FieldType.NUMBER, Customer::score)
            .sortableField("version", "version", FieldType.NUMBER, Customer::version)
            .sortableField("birthday", "birthday", FieldType.DATE, Customer::birthday)
            .sortableField("active", "active", FieldType.BOOLEAN, Customer::active)
            .field("companyId", "company_id", FieldType.UUID)
            .field("tags", "tags", FieldType.ARRAY)
            .field(QueryField.<Customer>of("externalId", "external_id", FieldType.STRING)
                    .operators(Operator.EQ, Operator.IN))
            .field(QueryField.<Customer>of("secret", "secret", FieldType.STRING).filterable(false))
            .jsonAttributes("attributes", "attributes")
            .idField("id", "id", Customer::id)
            .build();

    private Fixtures() {
    }

    /** Test normalizer: digits with an optional '+', formatted as +digits; anything else is rejected. */
    static String e164(String raw) {
        String digits = raw.replaceAll("[\\s()-]", "");
        if (!digits.matches("\\+?[0-9]{6,15}")) {
            throw new IllegalArgumentException("not a phone number");
        }
        return digits.startsWith("+") ? digits : "+" + digits;
    }

    static Customer customer(int i) {
        return new Customer(new UUID(0, i), "name" + i, "c" + i + "@example.com",
                Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i), i % 2 == 0 ? Kind.PERSON : Kind.COMPANY,
                new BigDecimal(i + ".5"), i, LocalDate.of(2000, 1, 1).plusDays(i), i % 3 == 0);
    }
}
