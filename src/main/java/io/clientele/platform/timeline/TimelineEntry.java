package io.clientele.platform.timeline;

import java.time.Instant;
import java.util.Comparator;
import java.util.Map;

/**
 * One entry of a customer's timeline: what {@code kind} of thing happened (change, activity, task,
 * opportunity, ticket...), its id within that kind, when, a one-line summary and the details.
 */
public record TimelineEntry(String kind, String id, Instant occurredAt, String summary, Map<String, Object> data) {

    /** Newest first; equal instants by kind then id, descending, so that the order is total. */
    public static final Comparator<TimelineEntry> NEWEST_FIRST = Comparator
            .comparing(TimelineEntry::occurredAt).thenComparing(TimelineEntry::kind)
            .thenComparing(TimelineEntry::id).reversed();
}
