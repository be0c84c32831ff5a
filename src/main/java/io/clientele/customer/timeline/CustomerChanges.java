package io.clientele.customer.timeline;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.customer.domain.CustomerService;
import io.clientele.platform.history.History;
import io.clientele.platform.history.HistoryEntry;
import io.clientele.platform.query.SqlFragment;
import io.clientele.platform.security.Caller;
import io.clientele.platform.timeline.TimelineEntry;
import io.clientele.platform.timeline.TimelineSource;
import io.smallrye.mutiny.Uni;

/** The customer's own change history as timeline entries of kind {@code change}. */
@ApplicationScoped
class CustomerChanges implements TimelineSource {

    private final History history;

    CustomerChanges(History history) {
        this.history = history;
    }

    @Override
    public Uni<List<TimelineEntry>> entries(Caller caller, UUID customerId, Instant atOrBefore, int limit) {
        SqlFragment where = atOrBefore == null ? SqlFragment.TRUE
                : new SqlFragment("occurred_at <= :t_before", Map.of("t_before", atOrBefore.atOffset(ZoneOffset.UTC)));
        return history.entries(caller.tenantId(), CustomerService.ENTITY, customerId, where, "occurred_at DESC, seq DESC",
                limit).map(rows -> rows.stream().map(CustomerChanges::entry).toList());
    }

    private static TimelineEntry entry(HistoryEntry e) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("operation", e.operation());
        data.put("version", e.version());
        data.put("source", e.source());
        data.put("actor", e.actor());
        data.put("changes", e.changes());
        // Zero-padded so that the id orders like the sequence number it is.
        return new TimelineEntry("change", String.format("%019d", e.seq()), e.occurredAt(),
                "customer " + e.operation() + "d", data);
    }
}
