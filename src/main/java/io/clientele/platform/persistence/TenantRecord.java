package io.clientele.platform.persistence;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.Version;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * What every tenant-owned, versioned record has: its id, its tenant (never changes), the version
 * behind its ETag, and when it was created and last changed.
 */
@MappedSuperclass
public abstract class TenantRecord extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "tenant_id", nullable = false, updatable = false)
    public String tenantId;

    @Version
    @Column(nullable = false)
    public long version;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Sets id, tenant and both timestamps of a record about to be persisted. */
    public void initialise(String tenant) {
        id = UUID.randomUUID();
        tenantId = tenant;
        createdAt = now();
        updatedAt = createdAt;
    }

    /** Marks a change now. */
    public void touch() {
        updatedAt = now();
    }

    /**
     * The current instant at PostgreSQL's precision (microseconds), so a response written from
     * memory shows exactly what a later read from the database will.
     */
    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
