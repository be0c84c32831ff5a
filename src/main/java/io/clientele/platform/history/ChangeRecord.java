package io.clientele.platform.history;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A row of change_history as written; reads go through {@link History} into {@link HistoryEntry}. */
// Insert-only: without this Hibernate dirty-checks the JSON map and sends a needless UPDATE per row.
@Entity
@Immutable
@Table(name = "change_history")
public class ChangeRecord extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long seq;

    @Column(name = "tenant_id", nullable = false, updatable = false)
    public String tenantId;

    @Column(name = "entity_type", nullable = false, updatable = false)
    public String entityType;

    @Column(name = "entity_id", nullable = false, updatable = false)
    public UUID entityId;

    @Column(nullable = false, updatable = false)
    public long version;

    @Column(nullable = false, updatable = false)
    public String operation;

    @Column(nullable = false, updatable = false)
    public String source;

    @Column(updatable = false)
    public String actor;

    @Column(name = "client_id", updatable = false)
    public String clientId;

    @Column(name = "correlation_id", updatable = false)
    public String correlationId;

    @Column(name = "occurred_at", nullable = false, updatable = false)
    public Instant occurredAt;

    // A JSON object, not a string: the reactive driver binds String parameters as JSON strings.
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, updatable = false)
    public Map<String, Object> entry;
}
