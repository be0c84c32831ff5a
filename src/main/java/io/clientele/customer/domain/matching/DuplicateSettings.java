package io.clientele.customer.domain.matching;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A tenant's duplicate-checking thresholds and default policies (one row per tenant, or the defaults). */
@Entity
@Table(name = "duplicate_settings")
public class DuplicateSettings extends PanacheEntityBase {

    @Id
    @Column(name = "tenant_id")
    public String tenantId;

    /** Candidates at or above it are reported by the match endpoint. */
    @Column(name = "possible_threshold", nullable = false)
    public double possibleThreshold;

    /** Candidates at or above it count as duplicates for the reject and merge policies. */
    @Column(name = "likely_threshold", nullable = false)
    public double likelyThreshold;

    @Column(name = "create_policy", nullable = false)
    public String createPolicy;

    @Column(name = "update_policy", nullable = false)
    public String updatePolicy;

    @Version
    @Column(nullable = false)
    public long version;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "updated_by")
    public String updatedBy;

    public DuplicatePolicy createPolicy() {
        return DuplicatePolicy.parse(createPolicy);
    }

    public DuplicatePolicy updatePolicy() {
        return DuplicatePolicy.parse(updatePolicy);
    }

    /** The version behind the ETag: 0 for the defaults of a tenant that never saved settings. */
    public long revision() {
        return updatedAt == null ? 0 : version + 1;
    }
}
