package io.clientele.customer.api;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.clientele.customer.domain.ContactPoints;
import io.clientele.customer.domain.Customer;
import io.clientele.customer.domain.LifecycleStage;
import io.clientele.customer.domain.SensitiveData;
import io.clientele.platform.query.Operator;
import io.clientele.platform.query.FieldType;
import io.clientele.platform.query.QueryField;
import io.clientele.platform.query.QuerySchema;

/** What clients may filter, sort and select on customers (docs/filtering.md, openapi.yaml). */
public final class CustomerQueries {

    public static final QuerySchema<Customer> SCHEMA = QuerySchema.<Customer>builder()
            .idField("id", "id", c -> c.id)
            .field(QueryField.<Customer>of("kind", "kind", FieldType.ENUM).enumValues("person", "company"))
            .field(QueryField.<Customer>of("displayName", "display_name", FieldType.STRING)
                    .sortable(c -> c.displayName))
            .field("firstName", "first_name", FieldType.STRING)
            .field("lastName", "last_name", FieldType.STRING)
            .field("name", "name", FieldType.STRING)
            .field(QueryField.<Customer>of("email", "email_keys", FieldType.ARRAY)
                    .normalizer(v -> ContactPoints.email(v)
                            .orElseThrow(() -> new IllegalArgumentException("not a valid email address"))))
            .field(QueryField.<Customer>of("phone", "phone_keys", FieldType.ARRAY)
                    .normalizer(v -> ContactPoints.phone(v, null).orElseThrow(
                            () -> new IllegalArgumentException("not a valid phone number in +E.164 form"))))
            .field("externalId", "external_id", FieldType.STRING)
            // Encrypted fields: equality only, through their blind index (the value is never decrypted to compare).
            .field(QueryField.<Customer>of("nationalId", "national_id_bidx", FieldType.STRING)
                    .operators(Operator.EQ, Operator.NE, Operator.IN, Operator.OUT)
                    .alternatives(SensitiveData::nationalIdIndexes))
            .field(QueryField.<Customer>of("personalPhone", "personal_phone_bidx", FieldType.STRING)
                    .operators(Operator.EQ, Operator.NE, Operator.IN, Operator.OUT)
                    .alternatives(v -> SensitiveData.personalPhoneIndexes(ContactPoints.phone(v, null).orElseThrow(
                            () -> new IllegalArgumentException("not a valid phone number in +E.164 form")))))
            .field("ownerId", "owner_id", FieldType.STRING)
            .field(QueryField.<Customer>of("lifecycleStage", "lifecycle_stage", FieldType.ENUM)
                    .enumValues(LifecycleStage.API_NAMES).sortable(c -> c.lifecycleStage))
            .field("companyId", "company_id", FieldType.UUID)
            // Tag names, compared case-insensitively: tag==vip means "has the tag vip".
            .field(QueryField.<Customer>of("tag", "ARRAY(SELECT lower(t.name) FROM customer_tag ct JOIN tag t"
                    + " ON t.id = ct.tag_id WHERE ct.customer_id = customer.id)", FieldType.ARRAY)
                    .normalizer(v -> v.strip().toLowerCase(java.util.Locale.ROOT)))
            .sortableField("createdAt", "created_at", FieldType.INSTANT, c -> c.createdAt)
            .sortableField("updatedAt", "updated_at", FieldType.INSTANT, c -> c.updatedAt)
            .jsonAttributes("attributes", "attributes")
            .build();


    /** Top-level properties of a customer representation, for the {@code fields} parameter. */
    static final Set<String> FIELDS = new LinkedHashSet<>(List.of("id", "kind", "displayName", "firstName",
            "lastName", "name", "companyId", "emails", "phones", "addresses", "attributes", "ownerId",
            "lifecycleStage", "externalId", "sensitive", "version", "createdAt", "updatedAt"));

    private CustomerQueries() {
    }
}
