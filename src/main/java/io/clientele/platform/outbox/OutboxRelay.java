package io.clientele.platform.outbox;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.clientele.platform.config.ClienteleConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Publishes outbox rows to Kafka as CloudEvents (structured JSON), keyed by aggregate id.
 * One replica at a time relays (a transaction-scoped PostgreSQL advisory lock), in sequence order;
 * rows are deleted in the same transaction only after the broker acknowledged every record, so a
 * crash can repeat events (consumers dedupe on the CloudEvent id) but never lose one.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Arbitrary constant naming the relay's advisory lock. */
    private static final long RELAY_LOCK = 0x436c69656e74L;

    private final Pool pool;
    private final MutinyEmitter<String> emitter;
    private final ObjectMapper mapper;
    private final Vertx vertx;
    private final ClienteleConfig config;
    private final List<OutboxTap> taps;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean stopped;
    private long timerId = -1;

    OutboxRelay(Pool pool, @Channel("domain-events") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
            MutinyEmitter<String> emitter, ObjectMapper mapper, Vertx vertx, ClienteleConfig config,
            Instance<OutboxTap> taps) {
        this.pool = pool;
        this.emitter = emitter;
        this.mapper = mapper;
        this.vertx = vertx;
        this.config = config;
        this.taps = taps.stream().toList();
    }

    void start(@Observes StartupEvent event) {
        timerId = vertx.setPeriodic(config.outbox().pollInterval().toMillis(), id -> tick());
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    private void tick() {
        if (stopped || !running.compareAndSet(false, true)) {
            return;
        }
        relayOnce().subscribe().with(published -> {
            running.set(false);
            // A full batch means more may be waiting: go again without waiting for the timer.
            if (published >= config.outbox().batchSize()) {
                tick();
            }
        }, failure -> {
            running.set(false);
            LOG.warnf("outbox relay failed, will retry: %s", failure.getMessage());
        });
    }

    /** Publishes one batch; returns how many events were published (0 if another replica holds the lock). */
    public Uni<Integer> relayOnce() {
        return pool.withTransaction(conn -> conn.query("SELECT pg_try_advisory_xact_lock(" + RELAY_LOCK + ")")
                .execute()
                .chain(rows -> rows.iterator().next().getBoolean(0) ? publishBatch(conn) : Uni.createFrom().item(0)));
    }

    private Uni<Integer> publishBatch(SqlConnection conn) {
        return conn.preparedQuery("""
                SELECT seq, id, tenant_id, topic, aggregate_type, aggregate_id, event_type, occurred_at,
                       actor, correlation_id, data::text AS data
                  FROM outbox_event ORDER BY seq LIMIT $1
                """).execute(Tuple.of(config.outbox().batchSize()))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(0);
                    }
                    List<Long> seqs = new ArrayList<>(rows.size());
                    List<Uni<Void>> sends = new ArrayList<>(rows.size());
                    List<OutboxTap.Relayed> relayed = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        seqs.add(row.getLong("seq"));
                        String envelope = envelope(row);
                        relayed.add(new OutboxTap.Relayed(row.getLong("seq"), row.getUUID("id"),
                                row.getString("tenant_id"), row.getString("event_type"), envelope));
                        sends.add(send(row, envelope));
                    }
                    return Uni.join().all(sends).andFailFast()
                            .chain(() -> tap(conn, relayed))
                            .chain(() -> conn.preparedQuery("DELETE FROM outbox_event WHERE seq = ANY($1)")
                                    .execute(Tuple.of(seqs.toArray(Long[]::new))))
                            .map(deleted -> seqs.size());
                });
    }

    private Uni<Void> tap(SqlConnection conn, List<OutboxTap.Relayed> relayed) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (OutboxTap tap : taps) {
            chain = chain.chain(() -> tap.relayed(conn, relayed));
        }
        return chain;
    }

    private Uni<Void> send(Row row, String envelope) {
        String key = row.getString("aggregate_id");
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", "application/cloudevents+json; charset=UTF-8".getBytes());
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(row.getString("topic"))
                .withKey(key)
                .withHeaders(headers)
                .build();
        return emitter.sendMessage(Message.of(envelope).addMetadata(metadata));
    }

    /** The CloudEvents 1.0 structured-mode envelope (docs: openapi/asyncapi.yaml). */
    String envelope(Row row) {
        Map<String, Object> ce = new LinkedHashMap<>();
        String tenant = row.getString("tenant_id");
        ce.put("specversion", "1.0");
        ce.put("id", row.getUUID("id").toString());
        ce.put("source", "/tenants/" + tenant + "/" + row.getString("aggregate_type"));
        ce.put("type", row.getString("event_type"));
        ce.put("subject", row.getString("aggregate_id"));
        OffsetDateTime time = row.getOffsetDateTime("occurred_at");
        ce.put("time", time.withOffsetSameInstant(ZoneOffset.UTC).toString());
        ce.put("datacontenttype", "application/json");
        ce.put("tenantid", tenant);
        ce.put("sequence", String.valueOf(row.getLong("seq")));
        if (row.getString("correlation_id") != null) {
            ce.put("correlationid", row.getString("correlation_id"));
        }
        if (row.getString("actor") != null) {
            ce.put("actor", row.getString("actor"));
        }
        try {
            ObjectNode node = mapper.valueToTree(ce);
            node.set("data", mapper.readTree(row.getString("data")));
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("outbox row " + row.getLong("seq") + " holds invalid JSON", e);
        }
    }
}
