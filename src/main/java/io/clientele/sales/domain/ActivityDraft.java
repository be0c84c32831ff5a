package io.clientele.sales.domain;

import java.time.Instant;
import java.util.UUID;

/** The writable state of an activity, validated at the edge. */
public record ActivityDraft(String type, UUID customerId, UUID opportunityId, String subject, String body,
        Instant occurredAt, String ownerId, Instant dueAt, String assigneeId, String status) {
}
