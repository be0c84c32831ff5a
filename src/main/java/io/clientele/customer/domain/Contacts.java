package io.clientele.customer.domain;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A customer's emails, phones and postal addresses: one JSON column. Reflection: read by Hibernate. */
@RegisterForReflection
public record Contacts(List<EmailAddress> emails, List<PhoneNumber> phones, List<PostalAddress> addresses) {

    public static final Contacts NONE = new Contacts(List.of(), List.of(), List.of());

    public Contacts {
        emails = emails == null ? List.of() : List.copyOf(emails);
        phones = phones == null ? List.of() : List.copyOf(phones);
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }
}
