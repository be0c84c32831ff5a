package io.clientele.platform.audit;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.persistence.SqlStatement;
import io.clientele.platform.persistence.TenantRecord;
import io.clientele.platform.security.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;


/**
 * Audit entries written inside the transaction of the write they describe (ADR 0023), so the entry commits
 * if and only if the write does. A request gets one entry for its whole transaction, with what the HTTP edge
 * captured ({@link AuditContext}); work without a request (Kafka intake, scheduled jobs, imports) gets one
 * entry per changed record, with the job's system actor. {@link AuditLog} records what has no transaction.
 */
@ApplicationScoped
public class Audit {

    /** Method of entries written by background work, which has no HTTP method. */
    public static final String SYSTEM = "SYSTEM";

    /** One change made by background work: who (a system actor, or the user a job acts for), what, where. */
    public record SystemChange(String tenantId, String actor, String action, String target, String correlationId) {
    }

    private static final String INSERT = """
            INSERT INTO audit_log (tenant_id, occurred_at, actor, client_id, action, method, target, status,
                                   outcome, source_ip, request_id)
            """;

    private final boolean enabled;

    Audit(ClienteleConfig config) {
        this.enabled = config.audit().enabled();
    }

    /**
     * Records the current request's write in the current Hibernate Reactive transaction, once per request;
     * outside a request, records {@code change} as a system entry. Must run inside the write's transaction.
     */
    public Uni<Void> inTransaction(Caller caller, SystemChange change) {
        return Panache.getSession().chain(session -> inTransaction(session, caller, List.of(change)));
    }

    /**
     * The same on a plain SQL connection holding the write's transaction (bulk writers, jobs); a null
     * {@code caller} always records {@code changes} as system entries.
     */
    public Uni<Void> inTransaction(SqlClient connection, Caller caller, List<SystemChange> changes) {
        Bulk bulk = bulk(caller, changes);
        return bulk == null ? Uni.createFrom().voidItem() : bulk.statement().execute(connection).invoke(bulk::done);
    }

    /** The same in the transaction of a Hibernate Reactive session (bulk writers that also write entities). */
    public Uni<Void> inTransaction(Mutiny.Session session, Caller caller, List<SystemChange> changes) {
        Bulk bulk = bulk(caller, changes);
        return bulk == null ? Uni.createFrom().voidItem()
                : bulk.statement().execute(session).invoke(bulk::done).replaceWithVoid();
    }

    private record Bulk(SqlStatement statement, AuditContext ctx) {
        void done() {
            if (ctx != null) {
                ctx.markRecordedInTransaction();
            }
        }
    }

    // The one statement of a bulk write's entries, or null when there is nothing to record.
    private Bulk bulk(Caller caller, List<SystemChange> changes) {
        if (!enabled || changes.isEmpty()) {
            return null;
        }
        // No caller: background work even when called on a request's context.
        AuditContext ctx = caller == null ? null : AuditContext.current();
        if (ctx != null && ctx.recordedInTransaction()) {
            return null;
        }
        List<Object[]> rows = new ArrayList<>();
        if (ctx != null) {
            rows.add(requestRow(caller, ctx));
        } else {
            changes.forEach(c -> rows.add(systemRow(c)));
        }
        int n = rows.size();
        Object[] columns = new Object[9];
        columns[0] = new String[n];
        columns[1] = new OffsetDateTime[n];
        for (int c = 2; c < 9; c++) {
            columns[c] = new String[n];
        }
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 9; c++) {
                ((Object[]) columns[c])[i] = rows.get(i)[c];
            }
        }
        return new Bulk(new SqlStatement(INSERT + """
                SELECT t, a, ac, cl, act, m, tg, NULL, 'success', ip, rid
                  FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[],
                              $7::text[], $8::text[], $9::text[]) WITH ORDINALITY AS r(t, a, ac, cl, act, m, tg, ip, rid, n)
                 ORDER BY n
                """, columns), ctx);
    }

    private static Object[] requestRow(Caller caller, AuditContext ctx) {
        return new Object[] { caller.tenantId(), now(), caller.subject(), caller.clientId(), ctx.action(),
                ctx.method(), ctx.target(), ctx.sourceIp(), ctx.requestId() };
    }

    private static Object[] systemRow(SystemChange c) {
        return new Object[] { c.tenantId(), now(), c.actor(), null, c.action(), SYSTEM, c.target(), null,
                c.correlationId() };
    }

    private static OffsetDateTime now() {
        return TenantRecord.now().atOffset(ZoneOffset.UTC);
    }
}
