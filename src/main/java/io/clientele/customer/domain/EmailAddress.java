package io.clientele.customer.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A normalised email address (trimmed, lower case). Reflection: stored as JSON by Hibernate. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EmailAddress(String address, String label, boolean primary) {
}
