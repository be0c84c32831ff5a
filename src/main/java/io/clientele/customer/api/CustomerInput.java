package io.clientele.customer.api;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The body of a create, and the document a merge patch is applied to. Everything is optional at
 * the JSON level; {@link CustomerMapper} checks the rules and answers 422 with JSON pointers.
 */
@RegisterForReflection
public record CustomerInput(
        String kind,
        String firstName,
        String lastName,
        String name,
        UUID companyId,
        List<EmailInput> emails,
        List<PhoneInput> phones,
        List<AddressInput> addresses,
        Map<String, Object> attributes,
        String ownerId,
        String lifecycleStage,
        String externalId,
        SensitiveInput sensitive) {

    /** Sensitive fields; stored encrypted, readable only with customers:read-sensitive (docs/security.md). */
    @RegisterForReflection
    public record SensitiveInput(String nationalId, String birthDate, String personalPhone, String privateNotes) {
    }

    @RegisterForReflection
    public record EmailInput(String address, String label, Boolean primary) {
    }

    @RegisterForReflection
    public record PhoneInput(String number, String region, String label, Boolean primary) {
    }

    @RegisterForReflection
    public record AddressInput(String label, String line1, String line2, String city, String region,
            String postalCode, String country) {
    }
}
