package io.clientele.customer.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.customer.domain.Customer;
import io.clientele.customer.domain.CustomerExport.Exported;
import io.clientele.customer.domain.EmailAddress;
import io.clientele.customer.domain.PhoneNumber;
import io.clientele.customer.domain.PostalAddress;
import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.export.CsvWriter;
import io.clientele.platform.export.Exports;
import io.clientele.platform.query.QuerySchema;

/**
 * The customer as one CSV record (docs/export.md): scalar properties under their API names, contact points
 * flattened (the primary one, then all of them joined with {@code ;}), the first address in
 * {@code address.*} columns, tag names, and the custom attributes as one JSON object or, when selected
 * through {@code fields}, as {@code attributes.<key>} columns.
 */
final class CustomerCsv implements Exports.Encoder<Exported> {

    static final String LIST_SEPARATOR = ";";
    static final String ATTRIBUTE_PREFIX = "attributes.";
    /** Sensitive columns come only when named in {@code fields}, clear or masked as the caller may see them. */
    static final String SENSITIVE_PREFIX = "sensitive.";
    static final Set<String> SENSITIVE = Set.of("nationalId", "birthDate", "personalPhone", "privateNotes");

    private record Column(String name, BiConsumer<CsvWriter, Exported> write) {
    }

    private static final Map<String, Column> COLUMNS = new LinkedHashMap<>();

    static {
        text("id", c -> c.id.toString());
        text("kind", c -> c.kind);
        text("displayName", c -> c.displayName);
        text("firstName", c -> c.firstName);
        text("lastName", c -> c.lastName);
        text("name", c -> c.name);
        text("companyId", c -> c.companyId == null ? null : c.companyId.toString());
        text("primaryEmail", c -> c.contacts.emails().stream().filter(EmailAddress::primary)
                .map(EmailAddress::address).findFirst().orElse(null));
        text("emails", c -> join(c.contacts.emails().stream().map(EmailAddress::address).toList()));
        text("primaryPhone", c -> c.contacts.phones().stream().filter(PhoneNumber::primary)
                .map(PhoneNumber::number).findFirst().orElse(null));
        text("phones", c -> join(c.contacts.phones().stream().map(PhoneNumber::number).toList()));
        address("label", PostalAddress::label);
        address("line1", PostalAddress::line1);
        address("line2", PostalAddress::line2);
        address("city", PostalAddress::city);
        address("region", PostalAddress::region);
        address("postalCode", PostalAddress::postalCode);
        address("country", PostalAddress::country);
        text("ownerId", c -> c.ownerId);
        text("lifecycleStage", c -> c.lifecycleStage);
        text("externalId", c -> c.externalId);
        add(new Column("tags", (w, e) -> w.text(join(e.tags()))));
        // Placeholder: the attributes column needs the JSON mapper, so each encoder writes it itself.
        add(new Column("attributes", null));
        text("createdAt", c -> c.createdAt.toString());
        text("updatedAt", c -> c.updatedAt.toString());
        add(new Column("version", (w, e) -> w.number(e.customer().version)));
    }

    private final List<BiConsumer<CsvWriter, Exported>> writers = new ArrayList<>();
    private final String preamble;
    private final boolean tags;
    private final ObjectMapper json;

    private CustomerCsv(List<String> columns, boolean bom, ObjectMapper json,
            Function<Customer, Map<String, String>> sensitive) {
        this.json = json;
        for (String name : columns) {
            if (name.startsWith(SENSITIVE_PREFIX)) {
                String field = name.substring(SENSITIVE_PREFIX.length());
                writers.add((w, e) -> {
                    Map<String, String> values = sensitive.apply(e.customer());
                    w.text(values == null ? null : values.get(field));
                });
            } else if (name.equals("attributes")) {
                writers.add((w, e) -> w.text(attributesJson(e.customer().attributes)));
            } else if (name.startsWith(ATTRIBUTE_PREFIX)) {
                String key = name.substring(ATTRIBUTE_PREFIX.length());
                writers.add((w, e) -> attribute(w, e.customer().attributes.get(key)));
            } else {
                writers.add(COLUMNS.get(name).write());
            }
        }
        this.tags = columns.contains("tags");
        CsvWriter header = new CsvWriter();
        columns.forEach(header::text);
        header.endRecord();
        this.preamble = (bom ? "\uFEFF" : "") + header.buffer();
    }

    /**
     * The encoder for {@code fields}: every fixed column when absent, otherwise the named columns in the
     * order given ({@code id} first when not named), each a fixed column or {@code attributes.<key>}.
     */
    static CustomerCsv of(String fields, boolean bom, ObjectMapper json,
            Function<Customer, Map<String, String>> sensitive) {
        if (fields == null || fields.isBlank()) {
            return new CustomerCsv(List.copyOf(COLUMNS.keySet()), bom, json, sensitive);
        }
        Set<String> columns = new LinkedHashSet<>();
        for (String f : fields.split(",")) {
            String name = f.strip();
            boolean attribute = name.startsWith(ATTRIBUTE_PREFIX)
                    && QuerySchema.ATTRIBUTE_KEY.matcher(name.substring(ATTRIBUTE_PREFIX.length())).matches();
            boolean secret = name.startsWith(SENSITIVE_PREFIX)
                    && SENSITIVE.contains(name.substring(SENSITIVE_PREFIX.length()));
            if (!attribute && !secret && !COLUMNS.containsKey(name)) {
                throw ProblemException.invalidParameter("fields: unknown CSV column '" + echo(name) + "'; known: "
                        + String.join(", ", COLUMNS.keySet()) + ", attributes.<key>, sensitive.<field>");
            }
            columns.add(name);
        }
        List<String> ordered = new ArrayList<>();
        if (!columns.contains("id")) {
            ordered.add("id");
        }
        ordered.addAll(columns);
        return new CustomerCsv(ordered, bom, json, sensitive);
    }

    /** Whether the selected columns need the customers' tag names. */
    boolean needsTags() {
        return tags;
    }

    @Override
    public String preamble() {
        return preamble;
    }

    @Override
    public void append(StringBuilder out, Exported record) {
        CsvWriter w = new CsvWriter(out);
        for (BiConsumer<CsvWriter, Exported> writer : writers) {
            writer.accept(w, record);
        }
        w.endRecord();
    }

    private String attributesJson(Map<String, Object> attributes) {
        try {
            return json.writeValueAsString(attributes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("attributes read from JSON cannot be written back", e);
        }
    }

    /** A JSON number stays a number; text, true/false as they are; objects and arrays as JSON. */
    private void attribute(CsvWriter w, Object value) {
        if (value == null) {
            w.text(null);
        } else if (value instanceof Integer || value instanceof Long || value instanceof BigInteger
                || value instanceof BigDecimal || value instanceof Double || value instanceof Float) {
            w.number(value.toString());
        } else if (value instanceof String || value instanceof Boolean) {
            w.text(value.toString());
        } else {
            try {
                w.text(json.writeValueAsString(value));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("an attribute read from JSON cannot be written back", e);
            }
        }
    }

    private static void add(Column column) {
        COLUMNS.put(column.name(), column);
    }

    private static void text(String name, Function<Customer, String> value) {
        add(new Column(name, (w, e) -> w.text(value.apply(e.customer()))));
    }

    private static void address(String field, Function<PostalAddress, String> value) {
        add(new Column("address." + field, (w, e) -> {
            List<PostalAddress> addresses = e.customer().contacts.addresses();
            w.text(addresses.isEmpty() ? null : value.apply(addresses.get(0)));
        }));
    }

    private static String join(List<String> values) {
        return values.isEmpty() ? null : values.stream().collect(Collectors.joining(LIST_SEPARATOR));
    }

    private static String echo(String value) {
        return value.length() <= 60 ? value : value.substring(0, 60) + "...";
    }
}
