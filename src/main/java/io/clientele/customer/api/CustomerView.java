package io.clientele.customer.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.clientele.customer.domain.EmailAddress;
import io.clientele.customer.domain.PhoneNumber;
import io.clientele.customer.domain.PostalAddress;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** The customer as the API shows it (and as customer.* events carry it). */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CustomerView(
        UUID id,
        String kind,
        String displayName,
        String firstName,
        String lastName,
        String name,
        UUID companyId,
        List<EmailAddress> emails,
        List<PhoneNumber> phones,
        List<PostalAddress> addresses,
        Map<String, Object> attributes,
        String ownerId,
        String lifecycleStage,
        String externalId,
        /** Clear for callers with customers:read-sensitive, masked otherwise, fingerprints in history and events. */
        Map<String, String> sensitive,
        long version,
        Instant createdAt,
        Instant updatedAt) {
}
