package io.clientele.sales.domain;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.clientele.platform.persistence.TenantRecord;

/** A deal in progress (or closed) with a customer, in one stage of one pipeline. */
@Entity
@Table(name = "opportunity")
public class Opportunity extends TenantRecord {

    @Column(name = "customer_id", nullable = false)
    public UUID customerId;

    @Column(name = "contact_id")
    public UUID contactId;

    @Column(nullable = false)
    public String title;

    @Column(nullable = false, precision = 19, scale = 4)
    public BigDecimal amount;

    @Column(nullable = false, length = 3)
    public String currency;

    @Column(name = "pipeline_id", nullable = false)
    public UUID pipelineId;

    @Column(name = "stage_id", nullable = false)
    public UUID stageId;

    @Column(nullable = false)
    public String status;

    @Column(name = "owner_id", nullable = false)
    public String ownerId;

    @Column(name = "expected_close_date")
    public LocalDate expectedCloseDate;

    public String source;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false)
    public String[] tags = new String[0];

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> attributes = new LinkedHashMap<>();

    @Column(name = "close_reason")
    public String closeReason;

    @Column(name = "closed_at")
    public Instant closedAt;

    @Column(name = "stage_entered_at", nullable = false)
    public Instant stageEnteredAt;

    @Column(name = "created_by", updatable = false)
    public String createdBy;

    @Column(name = "updated_by")
    public String updatedBy;

    @Column(name = "deleted_at")
    public Instant deletedAt;

    // Derived columns written with SQL (stage moves, activities, reminders); mapped read-only so that
    // native "SELECT *" queries can load the entity.
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "stage_path", insertable = false, updatable = false)
    public UUID[] stagePath;

    @Column(name = "last_activity_at", insertable = false, updatable = false)
    public Instant lastActivityAt;

    @Column(name = "stale_notified_for", insertable = false, updatable = false)
    public Instant staleNotifiedFor;

    /** The current state in the shape a patch is applied to. */
    public OpportunityDraft toDraft() {
        return new OpportunityDraft(customerId, contactId, title, amount, currency, pipelineId, stageId, ownerId,
                expectedCloseDate, source, List.of(tags), attributes, closeReason);
    }

    /** Applies the non-stage fields of a draft; returns the API names of the fields that changed. */
    public List<String> apply(OpportunityDraft d) {
        List<String> changed = new ArrayList<>();
        customerId = set(changed, "customerId", customerId, d.customerId());
        contactId = set(changed, "contactId", contactId, d.contactId());
        title = set(changed, "title", title, d.title());
        if (amount == null || amount.compareTo(d.amount()) != 0) {
            changed.add("amount");
        }
        amount = d.amount();
        currency = set(changed, "currency", currency, d.currency());
        ownerId = set(changed, "ownerId", ownerId, d.ownerId());
        expectedCloseDate = set(changed, "expectedCloseDate", expectedCloseDate, d.expectedCloseDate());
        source = set(changed, "source", source, d.source());
        String[] nextTags = d.tags().toArray(String[]::new);
        if (!Arrays.equals(tags, nextTags)) {
            changed.add("tags");
        }
        tags = nextTags;
        attributes = set(changed, "attributes", attributes, new LinkedHashMap<>(d.attributes()));
        closeReason = set(changed, "closeReason", closeReason, d.closeReason());
        return changed;
    }

    private static <V> V set(List<String> changed, String field, V current, V next) {
        if (!Objects.equals(current, next)) {
            changed.add(field);
        }
        return next;
    }
}
