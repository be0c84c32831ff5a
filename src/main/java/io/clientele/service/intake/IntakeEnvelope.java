package io.clientele.service.intake;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemMappers;
import io.clientele.platform.errors.ProblemType;
import io.clientele.service.tickets.TicketChannel;

/**
 * Reads an intake record: a CloudEvents 1.0 event whose {@code tenantid} extension names the tenant and
 * whose data is {@link IntakeData}, in either mode of the CloudEvents Kafka protocol binding: structured
 * (the record value is the JSON event) or binary (attributes in {@code ce_*} headers, {@code content-type}
 * header, the record value is the data). Anything else is refused with a reason for the dead-letter topic.
 */
final class IntakeEnvelope {

    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    /** Binary mode is recognised by this header, as the binding specifies. */
    static final String BINARY_MARKER = "ce_specversion";

    record Parsed(String eventId, IntakeCommand command) {
    }

    private IntakeEnvelope() {
    }

    static Parsed parse(ObjectMapper json, TicketChannel channel, String value, Headers headers) {
        if (headers != null && headers.lastHeader(BINARY_MARKER) != null) {
            return binary(json, channel, value, headers);
        }
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("empty record: a CloudEvents 1.0 JSON event is expected");
        }
        JsonNode event = readJson(json, value);
        if (!event.isObject()) {
            throw new IllegalArgumentException("not a JSON object: a CloudEvents 1.0 JSON event is expected");
        }
        if (!"1.0".equals(event.path("specversion").asText(null))) {
            throw new IllegalArgumentException("specversion must be \"1.0\"");
        }
        String id = text(event, "id");
        text(event, "source");
        text(event, "type");
        String tenant = tenant(text(event, "tenantid"), "tenantid");
        contentType(event.path("datacontenttype").asText(null), "datacontenttype");
        return command(json, channel, tenant, id, event.get("data"), "data");
    }

    /** Binary mode: every attribute is a UTF-8 {@code ce_<name>} header; the value is the data itself. */
    private static Parsed binary(ObjectMapper json, TicketChannel channel, String value, Headers headers) {
        if (!"1.0".equals(header(headers, BINARY_MARKER))) {
            throw new IllegalArgumentException("ce_specversion must be \"1.0\"");
        }
        String id = required(headers, "ce_id");
        required(headers, "ce_source");
        required(headers, "ce_type");
        String tenant = tenant(required(headers, "ce_tenantid"), "ce_tenantid");
        // The binding maps datacontenttype to the content-type header; a ce_datacontenttype header is not allowed.
        if (headers.lastHeader("ce_datacontenttype") != null) {
            throw new IllegalArgumentException("ce_datacontenttype is not allowed in binary mode: use content-type");
        }
        contentType(header(headers, "content-type"), "content-type");
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("empty record value: binary mode carries the data as the value");
        }
        return command(json, channel, tenant, id, readJson(json, value), "record value");
    }

    private static Parsed command(ObjectMapper json, TicketChannel channel, String tenant, String id, JsonNode data,
            String where) {
        if (data == null || !data.isObject()) {
            throw new IllegalArgumentException(where + " must be a JSON object");
        }
        IntakeData parsed;
        try {
            parsed = json.treeToValue(data, IntakeData.class);
        } catch (JsonProcessingException e) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "data: " + ProblemMappers.describe(e));
        }
        return new Parsed(id, IntakeCommand.of(tenant, channel, parsed, id));
    }

    private static JsonNode readJson(ObjectMapper json, String value) {
        try {
            return json.readTree(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
    }

    private static String tenant(String tenant, String name) {
        if (!TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException(name + " is not a valid tenant id");
        }
        return tenant;
    }

    /** Absent means JSON (the default we document); anything but JSON is refused. */
    private static void contentType(String contentType, String name) {
        if (contentType != null && !contentType.strip().toLowerCase().startsWith("application/json")) {
            throw new IllegalArgumentException(name + " must be application/json");
        }
    }

    private static String text(JsonNode event, String field) {
        JsonNode node = event.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw new IllegalArgumentException(field + " is required (a non-empty string)");
        }
        return node.asText();
    }

    private static String required(Headers headers, String name) {
        String value = header(headers, name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " header is required (a non-empty string)");
        }
        return value;
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
