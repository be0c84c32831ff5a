package io.clientele.customer.imports;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;
import io.clientele.platform.audit.Audit;
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

/** Import jobs as the API sees them: submitting a checked file, reading progress and errors, cancelling. */
@ApplicationScoped
public class ImportService {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final ObjectMapper json;
    private final Outbox outbox;
    private final Audit audit;

    ImportService(ObjectMapper json, Outbox outbox, Audit audit) {
        this.audit = audit;
        this.json = json;
        this.outbox = outbox;
    }

    /** Stores the job and its file chunks in one transaction; a worker picks it up from there. */
    @WithTransaction
    public Uni<CustomerImport> submit(Caller caller, String requestId, ImportFile file, ImportOptions options,
            String fileName) {
        CustomerImport job = new CustomerImport();
        job.initialise(caller.tenantId());
        job.status = "queued";
        job.format = file.format().apiName();
        Map<String, Object> stored = new LinkedHashMap<>(json.convertValue(options, MAP));
        stored.values().removeIf(v -> v == null);
        stored.put("format", file.format().apiName());
        job.options = stored;
        job.header = file.header() == null ? null : file.header().toArray(String[]::new);
        job.fileName = fileName;
        job.fileBytes = file.bytes();
        job.fileSha256 = file.sha256();
        job.totalRows = file.totalRows();
        job.totalChunks = file.chunks().size();
        job.createdBy = caller.subject();
        job.clientId = caller.clientId();
        job.correlationId = requestId;
        Uni<Void> chain = job.persist().chain(() -> Panache.getSession()).chain(session -> session.flush());
        for (ImportFile.Chunk chunk : file.chunks()) {
            chain = chain.chain(() -> Panache.getSession().chain(session -> session.createNativeQuery("""
                    INSERT INTO customer_import_chunk (import_id, chunk_no, first_row, first_line, row_count, data)
                    VALUES (:id, :no, :row, :line, :count, :data)
                    """)
                    .setParameter("id", job.id)
                    .setParameter("no", chunk.no())
                    .setParameter("row", chunk.firstRow())
                    .setParameter("line", chunk.firstLine())
                    .setParameter("count", chunk.rowCount())
                    .setParameter("data", chunk.data())
                    .executeUpdate()).replaceWithVoid());
        }
        // A header-only CSV has no chunk: the worker completes it at once (and records the event). No event at
        // submission, so the audit entry is recorded here, in the same transaction (ADR 0023).
        return chain.chain(() -> audit.inTransaction(caller, new Audit.SystemChange(caller.tenantId(),
                caller.subject(), "import.submitted", "imports/" + job.id, requestId))).replaceWith(job);
    }

    @WithSession
    public Uni<CustomerImport> get(Caller caller, UUID id) {
        return CustomerImport.<CustomerImport>find("id = ?1 and tenantId = ?2", id, caller.tenantId()).firstResult()
                .onItem().ifNull().failWith(() -> ProblemException.notFound("import", id));
    }

    @WithSession
    public Uni<List<CustomerImport>> list(Caller caller, SqlFragment where, String orderBy, int limit) {
        return PageQueries.fetch(CustomerImport.class, "customer_import", caller.tenantId(), "TRUE", where, orderBy,
                limit);
    }

    /** A page of the job's error report (404 when the job is not the caller's). */
    @WithSession
    public Uni<List<ImportErrorEntry>> errors(Caller caller, UUID id, SqlFragment where, String orderBy, int limit) {
        return get(caller, id).chain(job -> Panache.getSession().chain(session -> {
            var query = session.createNativeQuery("SELECT seq, row_number, line, field, column_name, reason, value,"
                    + " CAST(duplicate_of AS text)"
                    + " FROM customer_import_error WHERE import_id = :id AND (" + where.sql() + ") ORDER BY "
                    + orderBy + " LIMIT :limit", Object[].class)
                    .setParameter("id", id)
                    .setParameter("limit", limit);
            where.params().forEach(query::setParameter);
            return query.getResultList();
        })).map(rows -> rows.stream().map(r -> new ImportErrorEntry(((Number) r[0]).longValue(),
                ((Number) r[1]).intValue(), r[2] == null ? null : ((Number) r[2]).intValue(), (String) r[3],
                (String) r[4], (String) r[5], (String) r[6], r[7] == null ? null : UUID.fromString((String) r[7])))
                .toList());
    }

    /**
     * Stops a queued or running job: chunks not yet committed are dropped, committed ones stay. Waits for a
     * chunk in progress to commit (the worker holds the job row), so the counts are exact.
     */
    @WithTransaction
    public Uni<CustomerImport> cancel(Caller caller, String requestId, UUID id) {
        // The UPDATE comes first so the job is loaded (once) in its new state.
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                UPDATE customer_import SET status = 'cancelled', finished_at = now(), lease_owner = NULL,
                       lease_until = NULL, version = version + 1, updated_at = now()
                 WHERE id = :id AND tenant_id = :tenant AND status IN ('queued', 'running')
                """).setParameter("id", id).setParameter("tenant", caller.tenantId()).executeUpdate()
                .chain(changed -> get(caller, id).chain(job -> {
                    if (changed == 0) {
                        throw new ProblemException(ProblemType.CONFLICT, "import " + id + " is already "
                                + job.status + "; only a queued or running import can be cancelled")
                                .with("status", job.status);
                    }
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("import", ImportView.of(job, TenantRecord.now()));
                    return session.createNativeQuery("DELETE FROM customer_import_chunk WHERE import_id = :id")
                            .setParameter("id", id).executeUpdate()
                            .chain(() -> outbox.record(caller, requestId, new DomainEvent(ImportWorker.TOPIC,
                                    "imports", id.toString(), "import.cancelled", data)))
                            .replaceWith(job);
                })));
    }
}
