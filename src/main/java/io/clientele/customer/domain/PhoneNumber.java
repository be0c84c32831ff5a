package io.clientele.customer.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A phone number in E.164. Reflection: stored as JSON by Hibernate. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PhoneNumber(String number, String label, boolean primary) {
}
