package io.clientele.customer.imports;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An import job as the API shows it and as import.* events carry it. Reflection: written by Jackson. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImportView(
        UUID id,
        String status,
        String format,
        String fileName,
        long fileBytes,
        String duplicatePolicy,
        List<String> matchOn,
        String fuzzy,
        int totalRows,
        int rowsDone,
        int created,
        int updated,
        int unchanged,
        int skipped,
        int failed,
        Double rowsPerSecond,
        Long etaSeconds,
        String failure,
        String createdBy,
        long version,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt) {

    @SuppressWarnings("unchecked")
    public static ImportView of(CustomerImport job, Instant now) {
        Double rate = null;
        Long eta = null;
        if (job.startedAt != null) {
            Instant end = job.finishedAt != null ? job.finishedAt : now;
            double seconds = Math.max(Duration.between(job.startedAt, end).toNanos() / 1e9, 0.001);
            rate = Math.round(job.rowsDone / seconds * 10) / 10.0;
            if (job.finishedAt == null && rate > 0) {
                eta = (long) Math.ceil((job.totalRows - job.rowsDone) / rate);
            }
        }
        Object policy = job.options.get("duplicatePolicy");
        Object matchOn = job.options.get("matchOn");
        Object fuzzy = job.options.get("fuzzy");
        return new ImportView(job.id, job.status, job.format, job.fileName, job.fileBytes,
                policy == null ? ImportDuplicatePolicy.SKIP.apiName() : policy.toString(),
                matchOn instanceof List<?> keys ? (List<String>) keys : List.of("externalId", "email", "phone"),
                fuzzy == null ? FuzzyMode.OFF.apiName() : fuzzy.toString(),
                job.totalRows, job.rowsDone, job.created, job.updated, job.unchanged, job.skipped, job.failed, rate, eta,
                job.failure, job.createdBy, job.version, job.createdAt, job.startedAt, job.finishedAt);
    }
}
