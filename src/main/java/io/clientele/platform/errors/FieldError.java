package io.clientele.platform.errors;

/** One rule broken by one value, located with a JSON Pointer (RFC 6901) into the request body. */
public record FieldError(String pointer, String detail) {
}
