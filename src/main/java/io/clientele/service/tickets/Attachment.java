package io.clientele.service.tickets;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Metadata of a file attached to a message; the bytes stay with the gateway or file store at {@code url}. */
@RegisterForReflection // stored as JSON by Hibernate's Jackson mapper
public record Attachment(String filename, String contentType, Long size, String url) {
}
