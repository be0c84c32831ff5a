package io.clientele.platform.webhooks;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.outbox.DomainEvent;
import io.clientele.platform.outbox.Outbox;
import io.clientele.platform.security.Caller;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Delivers due webhooks. Every replica runs one: it claims a batch with {@code FOR UPDATE SKIP LOCKED} (so
 * replicas share the work), marks it {@code delivering} under a lease, commits, posts outside any transaction, and
 * records each outcome. A replica that dies mid-delivery leaves a lease that expires and the delivery is claimed
 * again (at-least-once; receivers dedupe on {@code webhook-id}). Failures retry with exponential backoff and
 * jitter until {@code retry-window} after the first attempt; then the delivery fails, the subscription is disabled
 * and a {@code webhook.subscription.disabled} event is emitted.
 */
@ApplicationScoped
public class WebhookDispatcher {

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);
    static final String TOPIC = "clientele.webhooks";
    private static final int MAX_RESPONSE_BYTES = 1024;

    private final Pool pool;
    private final Vertx vertx;
    private final ClienteleConfig.Webhooks config;
    private final ReceiverAddresses addresses;
    private final Outbox outbox;
    private final WebhookSecrets sealed;
    private final HttpClient http;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean stopped;
    private long timerId = -1;

    WebhookDispatcher(Pool pool, Vertx vertx, ClienteleConfig config, ReceiverAddresses addresses, Outbox outbox,
            WebhookSecrets sealed) {
        this.sealed = sealed;
        this.pool = pool;
        this.vertx = vertx;
        this.config = config.webhooks();
        this.addresses = addresses;
        this.outbox = outbox;
        int timeout = (int) this.config.timeout().toMillis();
        HttpClientOptions options = new HttpClientOptions();
        this.config.trustCertificates().ifPresent(pem -> options.setTrustOptions(TrustOptions.wrap(trust(pem))));
        this.http = vertx.createHttpClient(options
                .setConnectTimeout(timeout)
                .setIdleTimeout(timeout).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
                // The connection goes to the checked IP address (setServer); SNI and host verification use the
                // request's host name, so the certificate must still match the name in the URL.
                .setVerifyHost(true)
                .setMaxPoolSize(50)
                .setKeepAlive(true));
    }

    /** A claimed delivery with what is needed to send it. */
    record Claimed(UUID id, String tenantId, UUID subscriptionId, UUID eventId, String eventType, int attempt,
            String payload, OffsetDateTime firstAttemptAt, String url, List<String> secrets) {
    }

    /** What one attempt came to. */
    record Outcome(Integer statusCode, String error, String response, long durationMs) {

        boolean succeeded() {
            return statusCode != null && statusCode >= 200 && statusCode < 300;
        }
    }

    void start(@Observes StartupEvent event) {
        if (config.workerEnabled()) {
            timerId = vertx.setPeriodic(config.pollInterval().toMillis(), id -> tick());
        }
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
        dispatchOnce().subscribe().with(sent -> {
            running.set(false);
            if (sent >= config.batchSize()) {
                tick();
            }
        }, failure -> {
            running.set(false);
            LOG.warnf("webhook dispatch failed, will retry: %s", failure.getMessage());
        });
    }

    /** Claims and delivers one batch; returns how many deliveries were attempted. */
    public Uni<Integer> dispatchOnce() {
        return claim().chain(claimed -> {
            if (claimed.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            List<Uni<Void>> work = new ArrayList<>(claimed.size());
            for (Claimed c : claimed) {
                work.add(deliver(c).chain(outcome -> record(c, outcome)).onFailure().invoke(
                        f -> LOG.warnf("recording webhook delivery %s failed: %s", c.id(), f.getMessage()))
                        .onFailure().recoverWithNull());
            }
            return Uni.join().all(work).andCollectFailures().replaceWith(claimed.size());
        });
    }

    private Uni<List<Claimed>> claim() {
        // An ordered subscription only ever has its oldest open delivery claimable: nothing overtakes it, not even
        // on another replica (the older row is pending or delivering, committed or locked, and so blocks).
        return pool.withTransaction(conn -> conn.preparedQuery("""
                WITH due AS (
                    SELECT d.id FROM webhook_delivery d JOIN webhook_subscription s ON s.id = d.subscription_id
                     WHERE d.status IN ('pending', 'delivering') AND d.next_attempt_at <= now()
                       AND s.status = 'active'
                       AND (NOT s.ordered OR NOT EXISTS (
                            SELECT 1 FROM webhook_delivery e
                             WHERE e.subscription_id = d.subscription_id AND e.status IN ('pending', 'delivering')
                               AND e.position < d.position))
                     ORDER BY d.next_attempt_at
                     LIMIT $1
                     FOR UPDATE OF d SKIP LOCKED)
                UPDATE webhook_delivery d
                   SET status = 'delivering', attempts = d.attempts + 1,
                       next_attempt_at = now() + make_interval(secs => $2),
                       first_attempt_at = coalesce(d.first_attempt_at, now())
                  FROM due, webhook_subscription s
                 WHERE d.id = due.id AND s.id = d.subscription_id
                RETURNING d.id, d.tenant_id, d.subscription_id, d.event_id, d.event_type, d.attempts, d.payload,
                          d.first_attempt_at, s.url, s.secret, s.previous_secret,
                          s.previous_secret_expires_at > now() AS previous_valid
                """).execute(Tuple.of(config.batchSize(), (double) config.lease().toMillis() / 1000.0)))
                .map(rows -> {
                    List<Claimed> claimed = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        List<String> secrets = new ArrayList<>(2);
                        UUID subscription = row.getUUID("subscription_id");
                        secrets.add(sealed.open(row.getString("secret"), subscription));
                        if (row.getString("previous_secret") != null && Boolean.TRUE.equals(row.getBoolean(
                                "previous_valid"))) {
                            secrets.add(sealed.open(row.getString("previous_secret"), subscription));
                        }
                        claimed.add(new Claimed(row.getUUID("id"), row.getString("tenant_id"),
                                row.getUUID("subscription_id"), row.getUUID("event_id"), row.getString("event_type"),
                                row.getInteger("attempts"), row.getString("payload"),
                                row.getOffsetDateTime("first_attempt_at"), row.getString("url"), secrets));
                    }
                    return claimed;
                });
    }

    Uni<Outcome> deliver(Claimed c) {
        long started = System.nanoTime();
        ReceiverAddresses.Target target;
        try {
            target = addresses.target(c.url());
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(new Outcome(null, "receiver URL " + e.getMessage(), null, 0));
        }
        long timestamp = Instant.now().getEpochSecond();
        String id = c.eventId().toString();
        String signature = WebhookSignatures.header(c.secrets(), id, timestamp, c.payload());
        return resolve(target.host()).chain(address -> {
            RequestOptions options = new RequestOptions()
                    .setMethod(HttpMethod.POST)
                    .setServer(SocketAddress.inetSocketAddress(target.port(), address.getHostAddress()))
                    .setHost(target.host())
                    .setPort(target.port())
                    .setSsl(target.tls())
                    .setURI(target.pathAndQuery())
                    .setConnectTimeout(config.timeout().toMillis())
                    .setIdleTimeout(config.timeout().toMillis())
                    .putHeader("content-type", "application/json")
                    .putHeader("user-agent", "Clientele-Webhooks/1")
                    .putHeader(WebhookSignatures.ID_HEADER, id)
                    .putHeader(WebhookSignatures.TIMESTAMP_HEADER, Long.toString(timestamp))
                    .putHeader(WebhookSignatures.SIGNATURE_HEADER, signature);
            return http.request(options)
                    .chain(request -> request.send(Buffer.buffer(c.payload())))
                    .chain(response -> {
                        // Keep only the head of the answer: a receiver must not be able to fill our memory.
                        Buffer head = Buffer.buffer();
                        return response.toMulti()
                                .invoke(chunk -> {
                                    int room = MAX_RESPONSE_BYTES - head.length();
                                    if (room > 0) {
                                        head.appendBuffer(chunk.length() <= room ? chunk : chunk.getBuffer(0, room));
                                    }
                                })
                                .collect().last()
                                .map(ignored -> new Outcome(response.statusCode(), null, head.toString(),
                                        elapsed(started)));
                    });
        })
                .ifNoItem().after(config.timeout()).failWith(() -> new IllegalStateException(
                        "no response within " + config.timeout().toMillis() + " ms"))
                .onFailure().recoverWithItem(f -> new Outcome(null, describe(f), null, elapsed(started)));
    }

    private Uni<InetAddress> resolve(String host) {
        // Resolved here and connected to by address, so what is checked is what is reached (no DNS rebinding).
        return vertx.executeBlocking(() -> {
            InetAddress[] all;
            try {
                all = InetAddress.getAllByName(host);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("cannot resolve " + host);
            }
            for (InetAddress address : all) {
                if (addresses.allowed(address)) {
                    return address;
                }
            }
            throw new IllegalStateException("receiver resolves only to internal addresses (blocked)");
        }, false);
    }

    private Uni<Void> record(Claimed c, Outcome outcome) {
        Instant now = Instant.now();
        Instant deadline = c.firstAttemptAt().toInstant().plus(config.retryWindow());
        String status;
        Instant next;
        if (outcome.succeeded()) {
            status = "succeeded";
            next = now;
        } else if (!now.isBefore(deadline)) {
            status = "failed";
            next = now;
        } else {
            status = "pending";
            Instant planned = now.plus(backoff(c.attempt()));
            // One last attempt at the end of the window rather than giving up before it.
            next = planned.isAfter(deadline) ? deadline : planned;
        }
        String error = outcome.error() != null ? outcome.error()
                : outcome.succeeded() ? null : "receiver answered " + outcome.statusCode();
        return pool.withTransaction(conn -> conn.preparedQuery("""
                UPDATE webhook_delivery
                   SET status = $3, next_attempt_at = $4, last_attempt_at = now(), last_status_code = $5,
                       last_error = $6, completed_at = CASE WHEN $3 IN ('succeeded', 'failed') THEN now() END
                 WHERE id = $1 AND attempts = $2 AND status = 'delivering'
                """).execute(Tuple.from(new Object[] { c.id(), c.attempt(), status,
                next.atOffset(java.time.ZoneOffset.UTC), outcome.statusCode(), error }))
                .chain(updated -> {
                    if (updated.rowCount() == 0) {
                        // The lease ran out and another replica took the delivery over; its outcome counts.
                        return Uni.createFrom().voidItem();
                    }
                    return conn.preparedQuery("""
                            INSERT INTO webhook_attempt (delivery_id, attempt, tenant_id, started_at, duration_ms,
                                                         status_code, error, response)
                            VALUES ($1, $2, $3, now() - make_interval(secs => $4), $5, $6, $7, $8)
                            """).execute(Tuple.from(new Object[] { c.id(), c.attempt(), c.tenantId(),
                            outcome.durationMs() / 1000.0, (int) outcome.durationMs(), outcome.statusCode(), error,
                            outcome.response() }))
                            .chain(() -> status.equals("failed") ? disable(conn, c, error)
                                    : Uni.createFrom().voidItem());
                }));
    }

    private Uni<Void> disable(SqlConnection conn, Claimed c, String error) {
        Duration window = config.retryWindow();
        String span = window.toHours() > 0 ? window.toHours() + " h" : window.toSeconds() + " s";
        String reason = "deliveries kept failing for " + span + " (last: " + error + ")";
        return conn.preparedQuery("""
                UPDATE webhook_subscription
                   SET status = 'disabled', disabled_reason = $2, disabled_at = now(), updated_at = now(),
                       version = version + 1
                 WHERE id = $1 AND status = 'active'
                RETURNING url
                """).execute(Tuple.of(c.subscriptionId(), reason))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().voidItem();
                    }
                    LOG.warnf("webhook subscription %s disabled: %s", c.subscriptionId(), reason);
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("subscriptionId", c.subscriptionId().toString());
                    data.put("url", rows.iterator().next().getString("url"));
                    data.put("reason", reason);
                    data.put("lastDeliveryId", c.id().toString());
                    Caller system = new Caller(c.tenantId(), "system:webhooks", null, Set.of());
                    return outbox.recordAll(conn, List.of(outbox.row(system, null, new DomainEvent(TOPIC,
                            "webhooks", c.subscriptionId().toString(), "webhook.subscription.disabled", data))));
                });
    }

    /** Exponential backoff with equal jitter: half the doubled delay fixed, half random. */
    Duration backoff(int attempt) {
        long base = config.initialBackoff().toMillis();
        long cap = config.maxBackoff().toMillis();
        long delay = attempt >= 31 ? cap : Math.min(cap, base << Math.max(0, attempt - 1));
        return Duration.ofMillis(delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1));
    }

    private static long elapsed(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    private static String describe(Throwable failure) {
        // The TLS stack wraps the real reason ("Failed to create SSL connection" outside, PKIX inside): look at the
        // whole chain and put the usual reasons in words in the delivery log.
        boolean tls = false;
        StringBuilder chain = new StringBuilder();
        String innermost = null;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            tls |= t instanceof javax.net.ssl.SSLException || t instanceof java.security.cert.CertificateException;
            if (t.getMessage() != null) {
                chain.append(t.getMessage()).append('\n');
                innermost = t.getMessage();
            }
        }
        if (tls) {
            String all = chain.toString();
            String reason = all.contains("PKIX") || all.contains("certification path")
                    ? "the receiver's certificate is not trusted"
                    : all.contains("No subject alternative") || all.contains("doesn't match")
                            ? "the receiver's certificate does not match its host name"
                            : "TLS handshake failed";
            return "TLS: " + reason + (innermost == null ? "" : " (" + innermost + ")");
        }
        String message = failure.getMessage();
        return message == null ? failure.getClass().getSimpleName() : message;
    }

    /** The JVM's default trust plus the certificates of {@code pemPath}; fails start-up when the file is unusable. */
    static javax.net.ssl.TrustManager trust(String pemPath) {
        try {
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            javax.net.ssl.TrustManagerFactory defaults = javax.net.ssl.TrustManagerFactory
                    .getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((java.security.KeyStore) null);
            int n = 0;
            for (javax.net.ssl.TrustManager tm : defaults.getTrustManagers()) {
                if (tm instanceof javax.net.ssl.X509TrustManager x509) {
                    for (java.security.cert.X509Certificate c : x509.getAcceptedIssuers()) {
                        store.setCertificateEntry("default-" + n++, c);
                    }
                }
            }
            int added = 0;
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(pemPath))) {
                for (java.security.cert.Certificate c : java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificates(in)) {
                    store.setCertificateEntry("configured-" + added++, c);
                }
            }
            if (added == 0) {
                throw new IllegalArgumentException("clientele.webhooks.trust-certificates=" + pemPath
                        + " holds no certificate");
            }
            javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory
                    .getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers()[0];
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException("clientele.webhooks.trust-certificates=" + pemPath
                    + " cannot be read as PEM certificates: " + e.getMessage(), e);
        }
    }
}
