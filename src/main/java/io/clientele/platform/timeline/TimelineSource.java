package io.clientele.platform.timeline;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.clientele.platform.security.Caller;
import io.smallrye.mutiny.Uni;

/**
 * What a module contributes to customer timelines: implement it as an application-scoped bean and
 * the customer timeline picks it up. Entries must respect the caller's tenant and visibility.
 */
public interface TimelineSource {

    /**
     * Up to {@code limit} entries about {@code customerId} that occurred at or before {@code atOrBefore}
     * (null: now), newest first. Runs inside the request's Hibernate Reactive session.
     */
    Uni<List<TimelineEntry>> entries(Caller caller, UUID customerId, Instant atOrBefore, int limit);
}
