package io.clientele.platform.json;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemMappers;
import io.clientele.platform.errors.ProblemType;

/** Reads merge-patch bodies and applies them to a resource's writable state, with 400s for bad JSON. */
@ApplicationScoped
public class MergePatcher {

    private final ObjectMapper mapper;

    MergePatcher(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The body as a JSON object; malformed JSON or anything but an object is a 400. */
    public JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "a JSON merge patch body is required");
        }
        JsonNode node;
        try {
            node = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, ProblemMappers.describe(e));
        }
        if (!node.isObject()) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "a merge patch must be a JSON object");
        }
        return node;
    }

    /**
     * Applies {@code patch} to {@code current} (the writable state, as a tree) and binds the result
     * to {@code type}: unknown fields and wrong types are 400s like in a create.
     */
    public <T> T apply(JsonNode current, JsonNode patch, Class<T> type) {
        try {
            return mapper.treeToValue(MergePatch.apply(current, patch), type);
        } catch (JsonProcessingException e) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, ProblemMappers.describe(e));
        }
    }

    public <T> T apply(Object current, JsonNode patch, Class<T> type) {
        return apply((JsonNode) mapper.valueToTree(current), patch, type);
    }
}
