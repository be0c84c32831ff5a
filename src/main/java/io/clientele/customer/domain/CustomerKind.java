package io.clientele.customer.domain;

public enum CustomerKind {
    PERSON, COMPANY;

    public String apiName() {
        return name().toLowerCase();
    }
}
