package io.clientele.service.tickets;

import java.util.Arrays;
import java.util.List;

/** What a ticket is about. */
public enum TicketType {
    INQUIRY, COMPLAINT, SERVICE_REQUEST;

    public static final List<String> API_NAMES = Arrays.stream(values()).map(TicketType::apiName).toList();

    public String apiName() {
        return name().toLowerCase();
    }

    /** The type for an API name, or null when there is none. */
    public static TicketType parse(String value) {
        return Arrays.stream(values()).filter(t -> t.apiName().equals(value)).findFirst().orElse(null);
    }
}
