package io.clientele.sales.timeline;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.query.SqlFragment;
import io.clientele.platform.security.Caller;
import io.clientele.platform.timeline.TimelineEntry;
import io.clientele.platform.timeline.TimelineSource;
import io.clientele.sales.domain.ActivityService;
import io.clientele.platform.security.RecordScope;
import io.clientele.sales.domain.SalesScopes;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Sales entries of a customer's timeline: activities and tasks (kind {@code activity} / {@code task})
 * and every stage an opportunity entered (kind {@code opportunity}), within the caller's visibility.
 */
@ApplicationScoped
class SalesTimeline implements TimelineSource {

    private final SalesScopes scopes;

    SalesTimeline(SalesScopes scopes) {
        this.scopes = scopes;
    }

    @Override
    public Uni<List<TimelineEntry>> entries(Caller caller, UUID customerId, Instant atOrBefore, int limit) {
        OffsetDateTime before = (atOrBefore == null ? Instant.parse("9999-12-31T00:00:00Z") : atOrBefore)
                .atOffset(ZoneOffset.UTC);
        return scopes.scope(caller, SalesScopes.ACTIVITIES).chain(activityScope -> scopes
                .scope(caller, SalesScopes.OPPORTUNITIES).chain(opportunityScope -> {
                    List<TimelineEntry> out = new ArrayList<>();
                    return activities(caller, customerId, before, limit, activityScope).invoke(out::addAll)
                            .chain(() -> stages(caller, customerId, before, limit, opportunityScope))
                            .invoke(out::addAll).replaceWith(out);
                }));
    }

    private Uni<List<TimelineEntry>> activities(Caller caller, UUID customerId, OffsetDateTime before, int limit,
            RecordScope scope) {
        SqlFragment visible = scope.all() ? SqlFragment.TRUE : scope.on("owner_id");
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery("SELECT * FROM sales_activity WHERE tenant_id = :tenant"
                    + " AND customer_id = :customer AND deleted_at IS NULL AND occurred_at <= :before AND ("
                    + visible.sql() + ") ORDER BY occurred_at DESC, id DESC LIMIT :limit",
                    io.clientele.sales.domain.Activity.class)
                    .setParameter("tenant", caller.tenantId())
                    .setParameter("customer", customerId)
                    .setParameter("before", before)
                    .setParameter("limit", limit);
            visible.params().forEach(query::setParameter);
            return query.getResultList();
        }).map(rows -> rows.stream().map(a -> new TimelineEntry(a.task() ? "task" : "activity", a.id.toString(),
                a.occurredAt, a.type + ": " + a.subject, ActivityService.view(a))).toList());
    }

    private Uni<List<TimelineEntry>> stages(Caller caller, UUID customerId, OffsetDateTime before, int limit,
            RecordScope scope) {
        SqlFragment visible = scope.all() ? SqlFragment.TRUE : scope.on("o.owner_id");
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery("SELECT sp.id, CAST(o.id AS text), o.title, CAST(sp.stage_id AS text),"
                    + " (SELECT s ->> 'name' FROM jsonb_array_elements(p.stages -> 'items') s"
                    + " WHERE s ->> 'id' = CAST(sp.stage_id AS text)), sp.entered_at, sp.exited_at, o.owner_id, CAST(sp.pipeline_id AS text)"
                    + " FROM opportunity_stage_period sp JOIN opportunity o ON o.id = sp.opportunity_id"
                    + " JOIN pipeline p ON p.id = sp.pipeline_id"
                    + " WHERE o.tenant_id = :tenant AND o.customer_id = :customer AND o.deleted_at IS NULL"
                    + " AND sp.entered_at <= :before AND (" + visible.sql() + ")"
                    + " ORDER BY sp.entered_at DESC, sp.id DESC LIMIT :limit", Object[].class)
                    .setParameter("tenant", caller.tenantId())
                    .setParameter("customer", customerId)
                    .setParameter("before", before)
                    .setParameter("limit", limit);
            visible.params().forEach(query::setParameter);
            return query.getResultList();
        }).map(rows -> rows.stream().map(SalesTimeline::stageEntry).toList());
    }

    private static TimelineEntry stageEntry(Object[] row) {
        String stageId = (String) row[3];
        String stageName = (String) row[4];
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("opportunityId", row[1]);
        data.put("title", row[2]);
        data.put("pipelineId", row[8]);
        data.put("stageId", stageId);
        data.put("stageName", stageName);
        data.put("ownerId", row[7]);
        data.put("exitedAt", row[6] == null ? null : instant(row[6]).toString());
        return new TimelineEntry("opportunity", String.format("%019d", ((Number) row[0]).longValue()),
                instant(row[5]), row[2] + " entered " + (stageName == null ? "a deleted stage" : stageName), data);
    }

    private static Instant instant(Object value) {
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant();
        }
        return (Instant) value;
    }
}
