package io.clientele.platform.audit;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One audit record as the API shows it ({@code GET /v1/audit}). */
@RegisterForReflection // written by Jackson in pages and NDJSON exports
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEntry(long id, Instant occurredAt, String actor, String clientId, String action, String method,
        String target, Integer status, String outcome, String sourceIp, String requestId, String reason) {

    public static final String COLUMNS = "seq, occurred_at, actor, client_id, action, method, target, status,"
            + " outcome, source_ip, request_id, reason";

    static AuditEntry of(io.vertx.mutiny.sqlclient.Row row) {
        return new AuditEntry(row.getLong("seq"), row.getOffsetDateTime("occurred_at").toInstant(),
                row.getString("actor"), row.getString("client_id"), row.getString("action"), row.getString("method"),
                row.getString("target"), row.getInteger("status"), row.getString("outcome"),
                row.getString("source_ip"), row.getString("request_id"), row.getString("reason"));
    }
}
