package io.clientele.platform.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One field's value before and after a change; absent means the field had or has no value. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FieldChange(String field, JsonNode old, @JsonProperty("new") JsonNode value) {
}
