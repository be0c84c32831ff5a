package io.clientele.customer.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A customer's sensitive fields, normalised; stored only AES-256-GCM encrypted (docs/security.md). A field
 * that is not set is null; a customer without any is {@link #NONE}.
 */
@RegisterForReflection // serialised by Jackson into the encrypted blob
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Sensitive(String nationalId, String birthDate, String personalPhone, String privateNotes) {

    public static final Sensitive NONE = new Sensitive(null, null, null, null);

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isEmpty() {
        return nationalId == null && birthDate == null && personalPhone == null && privateNotes == null;
    }
}
