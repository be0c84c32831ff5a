package io.clientele.customer.domain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import io.vertx.mutiny.sqlclient.Row;

/**
 * Customers read through the Vert.x client (streams and set-based writers that bypass Hibernate):
 * the columns to select, and the detached {@link Customer} built from such a row.
 */
@ApplicationScoped
public class CustomerRows {

    /** Select list for {@link #customer(Row)}; JSON columns come as text. */
    public static final String COLUMNS = "id, kind, display_name, first_name, last_name, name, company_id,"
            + " CAST(contacts AS text) AS contacts, CAST(attributes AS text) AS attributes, owner_id,"
            + " lifecycle_stage, external_id, version, created_at, updated_at, created_by, updated_by,"
            + " sensitive_data, sensitive_key_version";

    private final ObjectReader contacts;
    private final ObjectReader attributes;

    CustomerRows(ObjectMapper mapper) {
        // Stored JSON was written by us; a field added later must not make old rows unreadable.
        ObjectReader lenient = mapper.reader().without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.contacts = lenient.forType(Contacts.class);
        this.attributes = lenient.forType(new TypeReference<LinkedHashMap<String, Object>>() {
        });
    }

    /** A detached customer (no tenant set) from a row selected with {@link #COLUMNS}. */
    public Customer customer(Row row) {
        Customer c = new Customer();
        c.id = row.getUUID("id");
        c.kind = row.getString("kind");
        c.displayName = row.getString("display_name");
        c.firstName = row.getString("first_name");
        c.lastName = row.getString("last_name");
        c.name = row.getString("name");
        c.companyId = row.getUUID("company_id");
        c.contacts = read(contacts, row.getString("contacts"));
        c.attributes = read(attributes, row.getString("attributes"));
        c.ownerId = row.getString("owner_id");
        c.lifecycleStage = row.getString("lifecycle_stage");
        c.externalId = row.getString("external_id");
        c.version = row.getLong("version");
        c.createdAt = row.getOffsetDateTime("created_at").toInstant();
        c.updatedAt = row.getOffsetDateTime("updated_at").toInstant();
        c.createdBy = row.getString("created_by");
        c.updatedBy = row.getString("updated_by");
        io.vertx.mutiny.core.buffer.Buffer sealed = row.getBuffer("sensitive_data");
        c.sensitiveData = sealed == null ? null : sealed.getBytes();
        c.sensitiveKeyVersion = row.getInteger("sensitive_key_version");
        c.emailKeys = c.contacts.emails().stream().map(EmailAddress::address).toArray(String[]::new);
        c.phoneKeys = c.contacts.phones().stream().map(PhoneNumber::number).toArray(String[]::new);
        return c;
    }

    private static <T> T read(ObjectReader reader, String json) {
        try {
            return reader.readValue(json);
        } catch (IOException e) {
            throw new UncheckedIOException("a stored customer holds invalid JSON", e);
        }
    }
}
