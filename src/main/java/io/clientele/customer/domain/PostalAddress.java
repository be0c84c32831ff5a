package io.clientele.customer.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A postal address; country is ISO 3166-1 alpha-2. Reflection: stored as JSON by Hibernate. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PostalAddress(String label, String line1, String line2, String city, String region,
        String postalCode, String country) {
}
