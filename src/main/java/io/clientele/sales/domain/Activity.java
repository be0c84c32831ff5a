package io.clientele.sales.domain;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import io.clientele.platform.persistence.TenantRecord;

/** A logged call, meeting, email or note, or a task with a due time, against a customer (and opportunity). */
@Entity
@Table(name = "sales_activity")
public class Activity extends TenantRecord {

    public static final String TASK = "task";

    @Column(nullable = false)
    public String type;

    @Column(name = "customer_id", nullable = false)
    public UUID customerId;

    @Column(name = "opportunity_id")
    public UUID opportunityId;

    @Column(nullable = false)
    public String subject;

    public String body;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    @Column(name = "owner_id", nullable = false)
    public String ownerId;

    @Column(name = "due_at")
    public Instant dueAt;

    @Column(name = "assignee_id")
    public String assigneeId;

    public String status;

    @Column(name = "completed_at")
    public Instant completedAt;

    @Column(name = "created_by", updatable = false)
    public String createdBy;

    @Column(name = "deleted_at")
    public Instant deletedAt;

    // Reminder markers, written with SQL by the reminder scan; read-only here so "SELECT *" loads.
    @Column(name = "due_notified_at", insertable = false, updatable = false)
    public Instant dueNotifiedAt;

    @Column(name = "overdue_notified_at", insertable = false, updatable = false)
    public Instant overdueNotifiedAt;

    public boolean task() {
        return TASK.equals(type);
    }
}
