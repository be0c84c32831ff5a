package io.clientele.service.intake;

import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemMappers;
import io.clientele.platform.errors.ProblemType;
import io.clientele.service.tickets.TicketChannel;

/**
 * Reads an intake record: a CloudEvents 1.0 event in structured JSON mode whose {@code tenantid}
 * extension names the tenant and whose {@code data} is {@link IntakeData}. Anything else is refused
 * with a reason that goes to the dead-letter topic.
 */
final class IntakeEnvelope {

    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    record Parsed(String eventId, IntakeCommand command) {
    }

    private IntakeEnvelope() {
    }

    static Parsed parse(ObjectMapper json, TicketChannel channel, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("empty record: a CloudEvents 1.0 JSON event is expected");
        }
        JsonNode event;
        try {
            event = json.readTree(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (!event.isObject()) {
            throw new IllegalArgumentException("not a JSON object: a CloudEvents 1.0 JSON event is expected");
        }
        if (!"1.0".equals(event.path("specversion").asText(null))) {
            throw new IllegalArgumentException("specversion must be \"1.0\"");
        }
        String id = text(event, "id");
        text(event, "source");
        text(event, "type");
        String tenant = text(event, "tenantid");
        if (!TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException("tenantid is not a valid tenant id");
        }
        String contentType = event.path("datacontenttype").asText("application/json");
        if (!contentType.startsWith("application/json")) {
            throw new IllegalArgumentException("datacontenttype must be application/json");
        }
        JsonNode data = event.get("data");
        if (data == null || !data.isObject()) {
            throw new IllegalArgumentException("data must be a JSON object");
        }
        IntakeData parsed;
        try {
            parsed = json.treeToValue(data, IntakeData.class);
        } catch (JsonProcessingException e) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "data: " + ProblemMappers.describe(e));
        }
        return new Parsed(id, IntakeCommand.of(tenant, channel, parsed, id));
    }

    private static String text(JsonNode event, String field) {
        JsonNode node = event.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw new IllegalArgumentException(field + " is required (a non-empty string)");
        }
        return node.asText();
    }
}
