package io.clientele.service.intake;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.errors.ProblemException;
import io.clientele.service.tickets.TicketChannel;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Consumes the intake topics (one per channel), a poll's batch at a time. Offsets are committed only
 * for acknowledged records, and a batch is acknowledged only after its database transaction committed
 * (at-least-once); receipts make redeliveries harmless (effectively once). A record that cannot be
 * read or processed goes to the dead-letter topic with the reason, so a partition never stalls.
 */
@ApplicationScoped
public class IntakeConsumer {

    private static final Logger LOG = Logger.getLogger(IntakeConsumer.class);

    private final IntakeService intake;
    private final ObjectMapper json;
    private final MutinyEmitter<String> deadLetters;
    private final Pool pool;
    private final ClienteleConfig config;
    private final IntakeTimings timings;

    IntakeConsumer(IntakeService intake, ObjectMapper json,
            @Channel("intake-dead-letters") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
            MutinyEmitter<String> deadLetters, Pool pool, ClienteleConfig config, IntakeTimings timings) {
        this.timings = timings;
        this.intake = intake;
        this.json = json;
        this.deadLetters = deadLetters;
        this.pool = pool;
        this.config = config;
    }

    @Incoming("intake-email")
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public Uni<Void> email(KafkaRecordBatch<String, String> batch) {
        return consume(TicketChannel.EMAIL, batch);
    }

    @Incoming("intake-phone")
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public Uni<Void> phone(KafkaRecordBatch<String, String> batch) {
        return consume(TicketChannel.PHONE, batch);
    }

    @Incoming("intake-chat")
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public Uni<Void> chat(KafkaRecordBatch<String, String> batch) {
        return consume(TicketChannel.CHAT, batch);
    }

    @Incoming("intake-web")
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public Uni<Void> web(KafkaRecordBatch<String, String> batch) {
        return consume(TicketChannel.WEB, batch);
    }

    @Incoming("intake-api")
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public Uni<Void> api(KafkaRecordBatch<String, String> batch) {
        return consume(TicketChannel.API, batch);
    }

    private record Pending(KafkaRecord<String, String> record, IntakeService.Item item) {
    }

    Uni<Void> consume(TicketChannel channel, KafkaRecordBatch<String, String> batch) {
        Context context = Vertx.currentContext();
        long start = System.nanoTime();
        List<Pending> pending = new ArrayList<>();
        Uni<Void> rejected = Uni.createFrom().voidItem();
        for (KafkaRecord<String, String> record : batch.getRecords()) {
            try {
                IntakeEnvelope.Parsed parsed = IntakeEnvelope.parse(json, channel, record.getPayload(),
                        record.getHeaders());
                pending.add(new Pending(record, new IntakeService.Item(parsed.command(), parsed.eventId())));
            } catch (ProblemException | IllegalArgumentException e) {
                rejected = rejected.chain(() -> deadLetter(context, record, reason(e), e));
            }
        }
        long parsed = System.nanoTime();
        Uni<Void> processed = pending.isEmpty() ? Uni.createFrom().voidItem()
                : intake.ingestAll(pending.stream().map(Pending::item).toList()).replaceWithVoid()
                        .invoke(() -> timings.consumed(parsed - start, System.nanoTime() - parsed))
                        .onFailure().recoverWithUni(failure -> {
                            // One bad record must not hold back the others: retry them one at a time.
                            LOG.debugf("intake batch of %d failed (%s); processing one by one", pending.size(),
                                    failure.getMessage());
                            return oneByOne(context, pending);
                        });
        return rejected.chain(() -> processed)
                .chain(() -> Uni.createFrom().completionStage(batch.ack()));
    }

    private Uni<Void> oneByOne(Context context, List<Pending> pending) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Pending p : pending) {
            chain = chain.chain(() -> single(context, p, 1));
        }
        return chain;
    }

    private Uni<Void> single(Context context, Pending p, int attempt) {
        return intake.ingestAll(List.of(p.item())).replaceWithVoid().onFailure().recoverWithUni(failure -> {
            if (failure instanceof ProblemException || failure instanceof IllegalArgumentException) {
                // Invalid for good (e.g. a ticket that cannot take the message): retrying cannot help.
                return deadLetter(context, p.record(), reason(failure), failure);
            }
            if (attempt < config.intake().maxAttempts()) {
                return delay(context, config.intake().retryBackoff().multipliedBy(attempt))
                        .chain(() -> single(context, p, attempt + 1));
            }
            // Out of attempts: dead-letter only when the database answers; if it does not, every record
            // would fail alike, so wait for it instead of emptying the topic into the dead letters.
            return pool.query("SELECT 1").execute().replaceWithVoid()
                    .chain(() -> deadLetter(context, p.record(), reason(failure), failure))
                    .onFailure().recoverWithUni(down -> {
                        LOG.warnf("intake waits for the database: %s", down.getMessage());
                        return delay(context, config.intake().retryBackoff().multipliedBy(10))
                                .chain(() -> single(context, p, 1));
                    });
        });
    }

    /** Sends to the dead-letter topic, retrying until the broker takes it: the batch is acknowledged only after. */
    private Uni<Void> deadLetter(Context context, KafkaRecord<String, String> record, String reason, Throwable cause) {
        return send(record, reason, cause).onFailure().recoverWithUni(failure -> {
            LOG.warnf("dead-lettering failed, will retry: %s", failure.getMessage());
            return delay(context, config.intake().retryBackoff().multipliedBy(5))
                    .chain(() -> deadLetter(context, record, reason, cause));
        });
    }

    private Uni<Void> send(KafkaRecord<String, String> record, String reason, Throwable cause) {
        LOG.warnf("intake record %s-%d@%d dead-lettered: %s", record.getTopic(), record.getPartition(),
                offset(record), reason);
        RecordHeaders headers = new RecordHeaders();
        for (Header h : record.getHeaders()) {
            headers.add(h);
        }
        headers.add("dead-letter-reason", reason.getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-cause", cause.getClass().getSimpleName().getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-topic", record.getTopic().getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-partition", String.valueOf(record.getPartition()).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-offset", String.valueOf(offset(record)).getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(record.getKey()).withHeaders(headers).build();
        String value = record.getPayload() == null ? "" : record.getPayload();
        return deadLetters.sendMessage(Message.of(value).addMetadata(metadata));
    }

    private static long offset(KafkaRecord<String, String> record) {
        return record instanceof IncomingKafkaRecord<?, ?> incoming ? incoming.getOffset() : -1;
    }

    static String reason(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof ProblemException p && !p.errors().isEmpty()) {
            message = String.join("; ", p.errors().stream().map(f -> f.pointer() + ": " + f.detail()).toList());
        }
        return message.length() > 1000 ? message.substring(0, 1000) : message;
    }

    private static Uni<Void> delay(Context context, Duration duration) {
        if (context == null) {
            return Uni.createFrom().voidItem().onItem().delayIt().by(duration);
        }
        return Uni.createFrom().emitter(e -> context.owner().setTimer(Math.max(1, duration.toMillis()),
                id -> context.runOnContext(v -> e.complete(null))));
    }
}
