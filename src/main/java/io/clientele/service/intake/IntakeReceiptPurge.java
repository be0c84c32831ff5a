package io.clientele.service.intake;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.clientele.platform.config.ClienteleConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Deletes intake receipts older than {@code clientele.intake.receipt-retention}, a batch per transaction.
 * Each batch claims its rows with {@code FOR UPDATE SKIP LOCKED}, so replicas purging at the same time
 * split the work instead of queueing on each other. Thread keys are not touched: replies keep threading.
 */
@ApplicationScoped
public class IntakeReceiptPurge {

    private static final Logger LOG = Logger.getLogger(IntakeReceiptPurge.class);

    private final Pool pool;
    private final ClienteleConfig.Intake config;

    IntakeReceiptPurge(Pool pool, ClienteleConfig config) {
        this.pool = pool;
        this.config = config.intake();
    }

    @Scheduled(every = "${clientele.intake.receipt-purge-interval}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return purge().invoke(n -> {
            if (n > 0) {
                LOG.infof("purged %d intake receipts older than %s", n, config.receiptRetention());
            }
        }).onFailure().invoke(e -> LOG.warnf("intake receipt purge failed, will retry: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Purges batch after batch until a batch comes back short; returns how many receipts this replica deleted. */
    public Uni<Long> purge() {
        return batch().chain(n -> n < config.receiptPurgeBatchSize() ? Uni.createFrom().item((long) n)
                : purge().map(more -> more + n));
    }

    /** One transaction: claims up to a batch of expired receipts nobody else holds and deletes them. */
    public Uni<Integer> batch() {
        long retention = config.receiptRetention().toSeconds();
        return pool.withTransaction(conn -> conn.preparedQuery("""
                WITH doomed AS (
                    SELECT tenant_id, key FROM intake_receipt
                     WHERE received_at < now() - make_interval(secs => $1)
                     ORDER BY received_at
                     LIMIT $2
                       FOR UPDATE SKIP LOCKED)
                DELETE FROM intake_receipt r USING doomed d
                 WHERE r.tenant_id = d.tenant_id AND r.key = d.key
                """).execute(Tuple.of((double) retention, config.receiptPurgeBatchSize()))
                .map(rows -> rows.rowCount()));
    }
}
