package io.clientele.service.tickets;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A ticket's state: new, open, pending (waiting on the customer), on_hold (waiting on a third party),
 * solved, closed. Only the transitions of {@link #next()} are valid; closed is final.
 */
public enum TicketStatus {
    NEW, OPEN, PENDING, ON_HOLD, SOLVED, CLOSED;

    public static final List<String> API_NAMES = Arrays.stream(values()).map(TicketStatus::apiName).toList();

    /** Statuses that count against an agent's capacity. */
    public static final Set<TicketStatus> ACTIVE = EnumSet.of(NEW, OPEN, PENDING, ON_HOLD);

    public String apiName() {
        return name().toLowerCase();
    }

    public static TicketStatus parse(String value) {
        return Arrays.stream(values()).filter(t -> t.apiName().equals(value)).findFirst().orElse(null);
    }

    /** The statuses this one may move to. */
    public Set<TicketStatus> next() {
        return switch (this) {
            case NEW -> EnumSet.of(OPEN);
            case OPEN -> EnumSet.of(PENDING, ON_HOLD, SOLVED);
            case PENDING -> EnumSet.of(OPEN, ON_HOLD, SOLVED);
            case ON_HOLD -> EnumSet.of(OPEN, PENDING, SOLVED);
            // Reopening a solved ticket; closed is final (a later message opens a follow-up ticket).
            case SOLVED -> EnumSet.of(OPEN, CLOSED);
            case CLOSED -> EnumSet.noneOf(TicketStatus.class);
        };
    }

    public boolean canMoveTo(TicketStatus to) {
        return next().contains(to);
    }
}
