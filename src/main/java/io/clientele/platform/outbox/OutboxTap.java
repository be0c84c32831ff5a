package io.clientele.platform.outbox;

import java.util.List;
import java.util.UUID;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Sees every batch the relay publishes, inside the relay's transaction, after Kafka acknowledged it and before
 * its outbox rows are deleted: whatever a tap writes on {@code connection} commits exactly when the events leave
 * the outbox, so it misses none and sees none twice (webhook fan-out, ADR 0016). A failing tap fails the batch,
 * which is then relayed again.
 */
public interface OutboxTap {

    /** One relayed event: its outbox sequence, CloudEvent id, tenant, type and the CloudEvent JSON sent to Kafka. */
    record Relayed(long seq, UUID id, String tenantId, String type, String cloudEvent) {
    }

    Uni<Void> relayed(SqlConnection connection, List<Relayed> events);
}
