package io.clientele.service.tickets;

import java.util.Arrays;
import java.util.List;

/** From the customer (inbound), to the customer (outbound), or between agents only (note). */
public enum MessageDirection {
    INBOUND, OUTBOUND, NOTE;

    public static final List<String> API_NAMES = Arrays.stream(values()).map(MessageDirection::apiName).toList();

    public String apiName() {
        return name().toLowerCase();
    }

    public static MessageDirection parse(String value) {
        return Arrays.stream(values()).filter(t -> t.apiName().equals(value)).findFirst().orElse(null);
    }
}
