package io.clientele.customer.imports;

import java.time.Instant;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.clientele.platform.persistence.TenantRecord;

/**
 * An import job as the API reads it. Written once by {@link ImportService#submit} through Hibernate; from
 * then on only the worker changes it, with set-based SQL in each chunk's transaction ({@link ImportWorker}).
 */
@Entity
@Table(name = "customer_import")
public class CustomerImport extends TenantRecord {

    public String status;
    public String format;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> options;

    @JdbcTypeCode(SqlTypes.ARRAY)
    public String[] header;

    @Column(name = "file_name")
    public String fileName;
    @Column(name = "file_bytes")
    public long fileBytes;
    @Column(name = "file_sha256")
    public String fileSha256;
    @Column(name = "total_rows")
    public int totalRows;
    @Column(name = "total_chunks")
    public int totalChunks;
    @Column(name = "chunks_done")
    public int chunksDone;
    @Column(name = "rows_done")
    public int rowsDone;
    public int created;
    public int updated;
    public int unchanged;
    public int skipped;
    public int failed;
    @Column(name = "lease_owner")
    public String leaseOwner;
    @Column(name = "lease_until")
    public Instant leaseUntil;
    public int attempts;
    public String failure;
    @Column(name = "created_by")
    public String createdBy;
    @Column(name = "client_id")
    public String clientId;
    @Column(name = "correlation_id")
    public String correlationId;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
}
