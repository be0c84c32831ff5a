package io.clientele.customer.domain;

/** A look-up key other than the id: a normalised email, an E.164 phone or an external id. */
public record NaturalKey(Kind kind, String value) {

    public enum Kind {
        EMAIL, PHONE, EXTERNAL_ID
    }

    public String describe() {
        return switch (kind) {
            case EMAIL -> "email " + value;
            case PHONE -> "phone " + value;
            case EXTERNAL_ID -> "externalId " + value;
        };
    }
}
