package io.clientele.service.tickets;

import java.util.Arrays;
import java.util.List;

/** Where a ticket (or one of its messages) came in. */
public enum TicketChannel {
    EMAIL, PHONE, CHAT, WEB, API;

    public static final List<String> API_NAMES = Arrays.stream(values()).map(TicketChannel::apiName).toList();

    public String apiName() {
        return name().toLowerCase();
    }

    public static TicketChannel parse(String value) {
        return Arrays.stream(values()).filter(t -> t.apiName().equals(value)).findFirst().orElse(null);
    }
}
