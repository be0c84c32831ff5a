package io.clientele.platform.webhooks;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** One event owed to one subscription; written by the fan-out and the dispatcher (SQL), read here for the log. */
@Entity
@Immutable
@Table(name = "webhook_delivery")
public class WebhookDelivery extends PanacheEntityBase {

    @Id
    public UUID id;

    /** Fan-out order; mapped so that native {@code SELECT *} queries find every column they return. */
    public long position;

    @Column(name = "tenant_id")
    public String tenantId;

    @Column(name = "subscription_id")
    public UUID subscriptionId;

    @Column(name = "event_id")
    public UUID eventId;

    @Column(name = "event_type")
    public String eventType;

    public String payload;

    public String status;

    public int attempts;

    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    @Column(name = "first_attempt_at")
    public Instant firstAttemptAt;

    @Column(name = "last_attempt_at")
    public Instant lastAttemptAt;

    @Column(name = "last_status_code")
    public Integer lastStatusCode;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "completed_at")
    public Instant completedAt;

    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id.toString());
        view.put("subscriptionId", subscriptionId.toString());
        view.put("eventId", eventId.toString());
        view.put("eventType", eventType);
        view.put("status", status);
        view.put("attempts", attempts);
        if (status.equals("pending")) {
            view.put("nextAttemptAt", nextAttemptAt.toString());
        }
        put(view, "lastAttemptAt", lastAttemptAt);
        if (lastStatusCode != null) {
            view.put("lastStatusCode", lastStatusCode);
        }
        if (lastError != null) {
            view.put("lastError", lastError);
        }
        view.put("createdAt", createdAt.toString());
        put(view, "completedAt", completedAt);
        return view;
    }

    private static void put(Map<String, Object> view, String key, Instant value) {
        if (value != null) {
            view.put(key, value.toString());
        }
    }
}
