package io.clientele.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.OpenApiValidationFilter;
import com.atlassian.oai.validator.whitelist.ValidationErrorsWhitelist;
import com.atlassian.oai.validator.whitelist.rule.WhitelistRules;

/**
 * Validates test traffic against openapi/openapi.yaml, the file the service serves. {@link #FULL}
 * checks request and response; {@link #RESPONSES} checks only the response, for tests that send
 * deliberately broken requests and must still get a response the contract describes.
 */
public final class Contract {

    public static final Path SPEC = Path.of("openapi", "openapi.yaml");

    private static final String CHECKED_SPEC = asOpenApi30(SPEC);

    /**
     * An export with no records is an empty NDJSON body, a valid empty {@code string}; the validator calls
     * any empty body "missing". Only that message, only for a 200 NDJSON response, is let through.
     */
    static final ValidationErrorsWhitelist EMPTY_NDJSON = ValidationErrorsWhitelist.create()
            .withRule("empty NDJSON export", WhitelistRules.allOf(
                    WhitelistRules.isResponse(),
                    WhitelistRules.responseStatusIs(200),
                    WhitelistRules.messageHasKey("validation.response.body.missing"),
                    WhitelistRules.headerContainsSubstring("Content-Type", "application/x-ndjson")));

    public static final OpenApiValidationFilter FULL = new OpenApiValidationFilter(
            OpenApiInteractionValidator.createForInlineApiSpecification(CHECKED_SPEC)
                    .withWhitelist(EMPTY_NDJSON).build());

    public static final OpenApiValidationFilter RESPONSES = new OpenApiValidationFilter(
            OpenApiInteractionValidator.createForInlineApiSpecification(CHECKED_SPEC)
                    .withWhitelist(EMPTY_NDJSON)
                    .withLevelResolver(LevelResolver.create()
                            .withLevel("validation.request", ValidationReport.Level.IGNORE)
                            .build())
                    .build());

    private Contract() {
    }

    /**
     * The validator reads 3.1 documents through its 3.0 model and silently drops {@code type};
     * the contract only uses the 3.1 features that map one-to-one onto 3.0 (type arrays with
     * "null"), so translating them keeps every type check in force.
     */
    static String asOpenApi30(Path spec) {
        try {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
            ObjectNode root = (ObjectNode) yaml.readTree(Files.readString(spec));
            root.put("openapi", "3.0.3");
            // Descriptive 3.1-only fields with no 3.0 counterpart; they carry no validation rule.
            ((ObjectNode) root.get("info")).remove("summary");
            if (root.at("/info/license") instanceof ObjectNode license) {
                license.remove("identifier");
            }
            downgrade(root);
            return yaml.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void downgrade(JsonNode node) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            JsonNode type = object.get("type");
            if (type != null && type.isArray()) {
                List<String> types = new ArrayList<>();
                type.forEach(t -> types.add(t.asText()));
                if (types.remove("null")) {
                    object.put("nullable", true);
                }
                if (types.size() != 1) {
                    throw new IllegalStateException("type unions other than T|null are not supported: " + type);
                }
                object.put("type", types.get(0));
            }
            object.elements().forEachRemaining(Contract::downgrade);
        } else if (node.isArray()) {
            node.elements().forEachRemaining(Contract::downgrade);
        }
    }
}
