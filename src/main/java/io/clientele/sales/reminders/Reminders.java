package io.clientele.sales.reminders;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.outbox.DomainEvent;
import io.clientele.platform.outbox.Outbox;
import io.clientele.platform.security.Caller;
import io.clientele.sales.domain.OpportunityService;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Follow-up reminders: due and overdue tasks and stale opportunities become task.due, task.overdue
 * and opportunity.stale events. Every replica may scan; a reminder is claimed by marking its row in
 * the same transaction that writes the event to the outbox, with {@code FOR UPDATE SKIP LOCKED}, so
 * each is emitted exactly once however many replicas scan at the same time.
 */
@ApplicationScoped
public class Reminders {

    private static final Logger LOG = Logger.getLogger(Reminders.class);
    static final String ACTOR = "system:reminders";

    private final Pool pool;
    private final Outbox outbox;
    private final ClienteleConfig config;

    Reminders(Pool pool, Outbox outbox, ClienteleConfig config) {
        this.pool = pool;
        this.outbox = outbox;
        this.config = config;
    }

    @Scheduled(every = "${clientele.sales.reminders.interval}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        if (!config.sales().reminders().enabled()) {
            return Uni.createFrom().voidItem();
        }
        return runOnce().onFailure().invoke(e -> LOG.warnf("reminder scan failed, will retry: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** One scan: claims and emits up to a batch of each kind; returns how many events were written. */
    public Uni<Integer> runOnce() {
        int batch = config.sales().reminders().batchSize();
        double overdueSeconds = config.sales().reminders().overdueAfter().toSeconds();
        return pool.withTransaction(conn -> claimTasks(conn, "due_notified_at", 0, batch, "task.due")
                .chain(due -> claimTasks(conn, "overdue_notified_at", overdueSeconds, batch, "task.overdue")
                        .map(overdue -> due + overdue))
                .chain(n -> claimStale(conn, batch).map(stale -> n + stale)));
    }

    private Uni<Integer> claimTasks(SqlConnection conn, String marker, double afterSeconds, int batch, String type) {
        return conn.preparedQuery("""
                UPDATE sales_activity a SET %1$s = now()
                  FROM (SELECT id FROM sales_activity
                         WHERE type = 'task' AND status = 'open' AND deleted_at IS NULL AND %1$s IS NULL
                           AND due_at <= now() - make_interval(secs => $1)
                         ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED) c
                 WHERE a.id = c.id
                RETURNING a.id, a.tenant_id, a.customer_id, a.opportunity_id, a.subject, a.due_at, a.assignee_id,
                          a.owner_id
                """.formatted(marker)).execute(Tuple.of(afterSeconds, batch))
                .chain(rows -> emit(conn, rows, r -> {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("taskId", r.getUUID("id").toString());
                    data.put("customerId", r.getUUID("customer_id").toString());
                    data.put("opportunityId", r.getUUID("opportunity_id") == null ? null
                            : r.getUUID("opportunity_id").toString());
                    data.put("subject", r.getString("subject"));
                    data.put("dueAt", r.getOffsetDateTime("due_at").toInstant().toString());
                    data.put("assigneeId", r.getString("assignee_id"));
                    data.put("ownerId", r.getString("owner_id"));
                    return new DomainEvent(OpportunityService.TOPIC, "activities", r.getUUID("id").toString(), type,
                            data);
                }));
    }

    private Uni<Integer> claimStale(SqlConnection conn, int batch) {
        return conn.preparedQuery("""
                UPDATE opportunity o SET stale_notified_for = c.basis
                  FROM (SELECT o.id, GREATEST(o.stage_entered_at, o.last_activity_at) AS basis, st.days
                          FROM opportunity o
                          JOIN pipeline p ON p.id = o.pipeline_id
                          CROSS JOIN LATERAL (
                                SELECT CAST(s ->> 'staleAfterDays' AS int) AS days
                                  FROM jsonb_array_elements(p.stages -> 'items') s
                                 WHERE s ->> 'id' = CAST(o.stage_id AS text)) st
                         WHERE o.status = 'open' AND o.deleted_at IS NULL AND st.days IS NOT NULL
                           AND GREATEST(o.stage_entered_at, o.last_activity_at) + make_interval(days => st.days)
                               <= now()
                           AND (o.stale_notified_for IS NULL
                                OR o.stale_notified_for < GREATEST(o.stage_entered_at, o.last_activity_at))
                         ORDER BY o.id LIMIT $1 FOR UPDATE OF o SKIP LOCKED) c
                 WHERE o.id = c.id
                RETURNING o.id, o.tenant_id, o.customer_id, o.title, o.owner_id, o.pipeline_id, o.stage_id, c.basis,
                          c.days
                """).execute(Tuple.of(batch))
                .chain(rows -> emit(conn, rows, r -> {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("opportunityId", r.getUUID("id").toString());
                    data.put("customerId", r.getUUID("customer_id").toString());
                    data.put("title", r.getString("title"));
                    data.put("ownerId", r.getString("owner_id"));
                    data.put("pipelineId", r.getUUID("pipeline_id").toString());
                    data.put("stageId", r.getUUID("stage_id").toString());
                    OffsetDateTime basis = r.getOffsetDateTime("basis");
                    data.put("lastActivityAt", basis.toInstant().toString());
                    data.put("staleAfterDays", r.getInteger("days"));
                    return new DomainEvent(OpportunityService.TOPIC, "opportunities", r.getUUID("id").toString(),
                            "opportunity.stale", data);
                }));
    }

    private Uni<Integer> emit(SqlConnection conn, RowSet<Row> rows, java.util.function.Function<Row, DomainEvent> event) {
        List<Outbox.Row> events = new ArrayList<>();
        for (Row r : rows) {
            Caller system = new Caller(r.getString("tenant_id"), ACTOR, null, Set.of());
            events.add(outbox.row(system, null, event.apply(r)));
        }
        return outbox.recordAll(conn, events).replaceWith(events.size());
    }
}
