package io.clientele.platform.webhooks;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.audit.Audit;
import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;
import io.clientele.platform.http.ETags.Precondition;
import io.clientele.platform.outbox.DomainEvent;
import io.clientele.platform.outbox.Outbox;
import io.clientele.platform.paging.PageQueries;
import io.clientele.platform.persistence.TenantRecord;
import io.clientele.platform.query.SqlFragment;
import io.clientele.platform.security.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/** Webhook subscriptions, their secrets and their delivery log; emits webhook.subscription.* events. */
@ApplicationScoped
public class WebhookService {

    /** A subscription's writable state, validated at the edge. */
    public record Draft(String url, String description, List<String> eventTypes, String filter, boolean ordered,
            String status) {
    }

    /** A subscription with its secret in clear: only returned by create and rotate. */
    public record WithSecret(WebhookSubscription subscription, String secret) {
    }

    /** One attempt of a delivery, as the log shows it. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record Attempt(int attempt, String startedAt, int durationMs, Integer statusCode, String error,
            String response) {
    }

    private final Outbox outbox;
    private final ClienteleConfig.Webhooks config;
    private final WebhookSecrets secrets;
    private final Audit audit;
    // Per instance, not static: a native image must not freeze a seeded generator at build time.
    private final SecureRandom random = new SecureRandom();

    WebhookService(Outbox outbox, ClienteleConfig config, WebhookSecrets secrets, Audit audit) {
        this.audit = audit;
        this.secrets = secrets;
        this.outbox = outbox;
        this.config = config.webhooks();
    }

    @WithTransaction
    public Uni<WithSecret> create(Caller caller, String requestId, Draft draft) {
        return WebhookSubscription.count("tenantId", caller.tenantId()).chain(n -> {
            if (n >= config.maxSubscriptionsPerTenant()) {
                throw new ProblemException(ProblemType.CONFLICT,
                        "a tenant may have at most " + config.maxSubscriptionsPerTenant() + " webhook subscriptions");
            }
            WebhookSubscription s = new WebhookSubscription();
            s.initialise(caller.tenantId());
            apply(s, draft);
            s.status = WebhookSubscription.ACTIVE;
            String secret = newSecret();
            s.secret = secrets.seal(secret, s.id);
            s.createdBy = caller.principal();
            return s.<WebhookSubscription>persist()
                    .call(saved -> outbox.record(caller, requestId, event(saved, "webhook.subscription.created",
                            Map.of("subscription", saved.view()))))
                    .map(saved -> new WithSecret(saved, secret));
        });
    }

    @WithSession
    public Uni<WebhookSubscription> get(Caller caller, UUID id) {
        return WebhookSubscription.<WebhookSubscription>find("id = ?1 and tenantId = ?2", id, caller.tenantId())
                .firstResult().onItem().ifNull().failWith(() -> ProblemException.notFound("webhook subscription", id));
    }

    @WithSession
    public Uni<List<WebhookSubscription>> list(Caller caller, SqlFragment where, String orderBy, int limit) {
        return PageQueries.fetch(WebhookSubscription.class, "webhook_subscription", caller.tenantId(), "TRUE", where,
                orderBy, limit);
    }

    @WithTransaction
    public Uni<WebhookSubscription> update(Caller caller, String requestId, UUID id, Precondition precondition,
            UnaryOperator<Draft> change) {
        return get(caller, id).chain(s -> {
            precondition.check(s.version);
            Draft before = draftOf(s);
            Draft after = change.apply(before);
            if (after.equals(before)) {
                return Uni.createFrom().item(s);
            }
            boolean reenabled = WebhookSubscription.DISABLED.equals(s.status)
                    && WebhookSubscription.ACTIVE.equals(after.status());
            apply(s, after);
            s.status = after.status();
            if (reenabled) {
                s.disabledAt = null;
                s.disabledReason = null;
            } else if (WebhookSubscription.DISABLED.equals(after.status()) && s.disabledAt == null) {
                s.disabledAt = TenantRecord.now();
                s.disabledReason = "disabled by " + caller.principal();
            }
            s.touch();
            Uni<Integer> resume = reenabled ? resumePending(s.id) : Uni.createFrom().item(0);
            return resume.chain(() -> Panache.getSession()).chain(session -> session.flush()).replaceWith(s)
                    .call(saved -> outbox.record(caller, requestId, event(saved, "webhook.subscription.updated",
                            Map.of("subscription", saved.view()))));
        });
    }

    @WithTransaction
    public Uni<Void> delete(Caller caller, String requestId, UUID id, Precondition precondition) {
        return get(caller, id).chain(s -> {
            precondition.check(s.version);
            // Deliveries and their attempts go with it (ON DELETE CASCADE).
            return s.delete().chain(() -> outbox.record(caller, requestId, event(s, "webhook.subscription.deleted",
                    Map.of("id", s.id.toString(), "deletedAt", TenantRecord.now().toString()))));
        });
    }

    /**
     * Issues a new secret; the old one keeps signing (second signature) for {@code overlap}, so receivers can
     * switch without losing a delivery. Rotating again during an overlap drops the oldest secret.
     */
    @WithTransaction
    public Uni<WithSecret> rotate(Caller caller, String requestId, UUID id, Precondition precondition,
            Duration overlap) {
        Duration keep = overlap == null ? config.rotationOverlap() : overlap;
        return get(caller, id).chain(s -> {
            precondition.check(s.version);
            s.previousSecret = s.secret;
            s.previousSecretExpiresAt = TenantRecord.now().plus(keep);
            String secret = newSecret();
            s.secret = secrets.seal(secret, s.id);
            s.touch();
            return Panache.getSession().chain(session -> session.flush()).replaceWith(s)
                    .call(saved -> outbox.record(caller, requestId, event(saved, "webhook.subscription.secret_rotated",
                            Map.of("subscription", saved.view()))))
                    .map(saved -> new WithSecret(saved, secret));
        });
    }

    @WithSession
    public Uni<List<WebhookDelivery>> deliveries(Caller caller, UUID subscriptionId, SqlFragment where,
            String orderBy, int limit) {
        // The id is a parsed UUID, so it is safe to inline as the trusted scope.
        return get(caller, subscriptionId).chain(s -> PageQueries.fetch(WebhookDelivery.class, "webhook_delivery",
                caller.tenantId(), "subscription_id = '" + s.id + "'", where, orderBy, limit));
    }

    @WithSession
    public Uni<Map<String, Object>> delivery(Caller caller, UUID subscriptionId, UUID deliveryId) {
        return findDelivery(caller, subscriptionId, deliveryId).chain(d -> Panache.getSession()
                .chain(session -> session.createNativeQuery("""
                        SELECT attempt, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), duration_ms, status_code, error, response
                          FROM webhook_attempt WHERE delivery_id = :id ORDER BY attempt
                        """, Object[].class).setParameter("id", d.id).getResultList())
                .map(rows -> {
                    List<Attempt> attempts = new ArrayList<>(rows.size());
                    for (Object[] r : rows) {
                        attempts.add(new Attempt(((Number) r[0]).intValue(),
                                Instant.parse((String) r[1]).toString(),
                                ((Number) r[2]).intValue(), r[3] == null ? null : ((Number) r[3]).intValue(),
                                (String) r[4], (String) r[5]));
                    }
                    Map<String, Object> view = new LinkedHashMap<>(d.view());
                    view.put("payload", d.payload);
                    view.put("attemptLog", attempts);
                    return view;
                }));
    }

    /**
     * Queues a finished delivery (succeeded or given up) again, with a fresh retry window and the same
     * {@code webhook-id}; 409 while it is still pending or being delivered.
     */
    @WithTransaction
    public Uni<WebhookDelivery> redeliver(Caller caller, UUID subscriptionId, UUID deliveryId) {
        return findDelivery(caller, subscriptionId, deliveryId).chain(d -> Panache.getSession()
                .chain(session -> session.createNativeQuery("""
                        UPDATE webhook_delivery
                           SET status = 'pending', next_attempt_at = now(), first_attempt_at = NULL,
                               completed_at = NULL
                         WHERE id = :id AND status IN ('succeeded', 'failed')
                        """).setParameter("id", d.id).executeUpdate())
                .chain(updated -> {
                    if (updated == 0) {
                        throw new ProblemException(ProblemType.CONFLICT,
                                "delivery " + d.id + " is still " + d.status + "; only finished deliveries can be"
                                        + " redelivered");
                    }
                    // No event for a redelivery: the audit entry is recorded here, in its transaction (ADR 0023).
                    return audit.inTransaction(caller, new Audit.SystemChange(caller.tenantId(), caller.subject(),
                            "webhook.delivery.redelivered", "webhooks/deliveries/" + d.id, null))
                            .chain(() -> Panache.getSession()).chain(session -> session.refresh(d)).replaceWith(d);
                }));
    }

    private Uni<WebhookDelivery> findDelivery(Caller caller, UUID subscriptionId, UUID deliveryId) {
        return get(caller, subscriptionId).chain(s -> WebhookDelivery.<WebhookDelivery>find(
                "id = ?1 and subscriptionId = ?2 and tenantId = ?3", deliveryId, s.id, caller.tenantId())
                .firstResult()
                .onItem().ifNull().failWith(() -> ProblemException.notFound("delivery", deliveryId)));
    }

    private Uni<Integer> resumePending(UUID subscriptionId) {
        // A re-enabled subscription starts a fresh retry window for what waited while it was disabled.
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                UPDATE webhook_delivery SET next_attempt_at = now(), first_attempt_at = NULL
                 WHERE subscription_id = :id AND status = 'pending'
                """).setParameter("id", subscriptionId).executeUpdate());
    }

    static Draft draftOf(WebhookSubscription s) {
        return new Draft(s.url, s.description, s.eventTypes(), s.filter, s.ordered, s.status);
    }

    private static void apply(WebhookSubscription s, Draft d) {
        s.url = d.url();
        s.description = d.description();
        s.eventTypes = String.join(",", d.eventTypes());
        s.filter = d.filter();
        s.ordered = d.ordered();
    }

    private String newSecret() {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return WebhookSignatures.SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    private static DomainEvent event(WebhookSubscription s, String type, Object data) {
        return new DomainEvent(WebhookDispatcher.TOPIC, "webhooks", Objects.toString(s.id), type, data);
    }
}
