package io.clientele.platform.webhooks;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import io.clientele.platform.persistence.TenantRecord;

/** A tenant's HTTPS endpoint subscribed to event types, optionally narrowed by a filter on the payload. */
@Entity
@Table(name = "webhook_subscription")
public class WebhookSubscription extends TenantRecord {

    public static final String ACTIVE = "active";
    public static final String DISABLED = "disabled";

    @Column(nullable = false)
    public String url;

    public String description;

    /** Comma-separated event-type selectors (see {@link #eventTypes()}). */
    @Column(name = "event_types", nullable = false)
    public String eventTypes;

    public String filter;

    @Column(nullable = false)
    public boolean ordered;

    @Column(nullable = false)
    public String status;

    @Column(name = "disabled_reason")
    public String disabledReason;

    @Column(name = "disabled_at")
    public Instant disabledAt;

    @Column(nullable = false)
    public String secret;

    @Column(name = "previous_secret")
    public String previousSecret;

    @Column(name = "previous_secret_expires_at")
    public Instant previousSecretExpiresAt;

    @Column(name = "created_by")
    public String createdBy;

    public List<String> eventTypes() {
        return List.of(eventTypes.split(","));
    }

    /** The API representation; secrets are never part of it (shown once, at creation and rotation). */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id.toString());
        view.put("url", url);
        if (description != null) {
            view.put("description", description);
        }
        view.put("eventTypes", eventTypes());
        if (filter != null) {
            view.put("filter", filter);
        }
        view.put("ordered", ordered);
        view.put("status", status);
        if (disabledReason != null) {
            view.put("disabledReason", disabledReason);
        }
        if (disabledAt != null) {
            view.put("disabledAt", disabledAt.toString());
        }
        if (previousSecretExpiresAt != null && previousSecretExpiresAt.isAfter(Instant.now())) {
            view.put("previousSecretExpiresAt", previousSecretExpiresAt.toString());
        }
        view.put("version", version);
        view.put("createdAt", createdAt.toString());
        view.put("updatedAt", updatedAt.toString());
        return view;
    }
}
