package io.clientele.service.tickets;

import java.util.Arrays;
import java.util.List;

/** How urgent a ticket is, lowest first (the order sorts by it). */
public enum TicketPriority {
    LOW, NORMAL, HIGH, URGENT;

    public static final List<String> API_NAMES = Arrays.stream(values()).map(TicketPriority::apiName).toList();

    public String apiName() {
        return name().toLowerCase();
    }

    public static TicketPriority parse(String value) {
        return Arrays.stream(values()).filter(t -> t.apiName().equals(value)).findFirst().orElse(null);
    }
}
