package io.clientele.service.tickets;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A message's attachments as stored: a JSON object, since the reactive driver maps JSON columns to objects. */
@RegisterForReflection // stored as JSON by Hibernate's Jackson mapper
public record Attachments(List<Attachment> items) {

    public static final Attachments NONE = new Attachments(List.of());
}
