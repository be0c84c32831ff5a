package io.clientele.customer.domain;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The complete, validated and normalised desired state of a customer (create or after a patch). */
public record CustomerDraft(
        CustomerKind kind,
        String firstName,
        String lastName,
        String name,
        UUID companyId,
        List<EmailAddress> emails,
        List<PhoneNumber> phones,
        List<PostalAddress> addresses,
        Map<String, Object> attributes,
        String ownerId,
        LifecycleStage lifecycleStage,
        String externalId,
        /** The sensitive fields to store; null leaves the stored ones as they are (merges, imports). */
        Sensitive sensitive) {

    /** A draft that leaves the stored sensitive fields as they are. */
    public CustomerDraft(CustomerKind kind, String firstName, String lastName, String name, UUID companyId,
            List<EmailAddress> emails, List<PhoneNumber> phones, List<PostalAddress> addresses,
            Map<String, Object> attributes, String ownerId, LifecycleStage lifecycleStage, String externalId) {
        this(kind, firstName, lastName, name, companyId, emails, phones, addresses, attributes, ownerId,
                lifecycleStage, externalId, null);
    }

    public String displayName() {
        if (kind == CustomerKind.COMPANY) {
            return name;
        }
        String full = ((firstName == null ? "" : firstName) + " " + (lastName == null ? "" : lastName)).trim();
        return full.isEmpty() ? name : full;
    }
}
