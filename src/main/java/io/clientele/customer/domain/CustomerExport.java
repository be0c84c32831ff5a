package io.clientele.customer.domain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.persistence.PositionalSql;
import io.clientele.platform.persistence.RowStreams;
import io.clientele.platform.query.SqlFragment;
import io.clientele.platform.security.Caller;
import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.sqlclient.Row;

/**
 * Every active customer of the caller's tenant that matches a compiled filter, in a given order, as a
 * stream read through a database cursor (constant memory whatever the count). The rows become detached
 * {@link Customer} objects, so the API edge renders them exactly as it renders a read.
 */
@ApplicationScoped
public class CustomerExport {

    /** A customer and, when asked for, the names of its tags (ordered ignoring case). */
    public record Exported(Customer customer, List<String> tags) {
    }

    // Marked so the statement is easy to find in pg_stat_activity.
    private static final String COLUMNS = "/* customer-export */ SELECT id, kind, display_name, first_name,"
            + " last_name, name, company_id, CAST(contacts AS text) AS contacts,"
            + " CAST(attributes AS text) AS attributes, owner_id, lifecycle_stage, external_id, version,"
            + " created_at, updated_at";
    private static final String TAGS = ", ARRAY(SELECT t.name FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id"
            + " WHERE ct.customer_id = customer.id AND ct.tenant_id = customer.tenant_id"
            + " ORDER BY lower(t.name), t.name) AS tags";

    private final RowStreams rows;
    private final ObjectReader contacts;
    private final ObjectReader attributes;
    private final int fetchSize;

    CustomerExport(RowStreams rows, ObjectMapper mapper, ClienteleConfig config) {
        this.rows = rows;
        // Stored JSON is the service's own output; unknown members (from a newer version) are not an error here.
        ObjectReader lenient = mapper.reader().without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.contacts = lenient.forType(Contacts.class);
        this.attributes = lenient.forType(new TypeReference<LinkedHashMap<String, Object>>() {
        });
        this.fetchSize = config.export().fetchSize();
    }

    /**
     * A cold stream of the matching customers; {@code where} and {@code orderBy} come from the shared query
     * compiler (bound parameters only), the tenant and the soft-delete rule from here.
     */
    public Multi<Exported> stream(Caller caller, SqlFragment where, String orderBy, boolean withTags) {
        String sql = COLUMNS + (withTags ? TAGS : "") + " FROM customer WHERE tenant_id = :tenant"
                + " AND deleted_at IS NULL AND (" + where.sql() + ") ORDER BY " + orderBy;
        Map<String, Object> params = new LinkedHashMap<>(where.params());
        params.put("tenant", caller.tenantId());
        return rows.stream(PositionalSql.of(sql, params), fetchSize, row -> toExported(row, withTags));
    }

    private Exported toExported(Row row, boolean withTags) {
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
        List<String> tags = withTags ? List.of(row.getArrayOfStrings("tags")) : List.of();
        return new Exported(c, tags);
    }

    private static <T> T read(ObjectReader reader, String json) {
        try {
            return reader.readValue(json);
        } catch (IOException e) {
            throw new UncheckedIOException("a stored customer holds invalid JSON", e);
        }
    }
}
