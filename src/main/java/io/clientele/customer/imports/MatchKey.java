package io.clientele.customer.imports;

import java.util.Map;

/** The natural keys a row can match an existing customer on, in the API's spelling. */
public enum MatchKey {
    EXTERNAL_ID("externalId"), EMAIL("email"), PHONE("phone");

    private static final Map<String, MatchKey> BY_NAME = Map.of("externalId", EXTERNAL_ID, "email", EMAIL,
            "phone", PHONE);

    private final String apiName;

    MatchKey(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    public static MatchKey of(String apiName) {
        return BY_NAME.get(apiName);
    }
}
