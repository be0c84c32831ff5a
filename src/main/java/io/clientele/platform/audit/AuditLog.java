package io.clientele.platform.audit;

import java.time.ZoneOffset;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.http.RequestIds;
import io.clientele.platform.persistence.TenantRecord;
import io.clientele.platform.security.CallerContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The HTTP edge of the audit log. It captures each request's {@link AuditContext} for the write's own transaction
 * (where {@link Audit} records successful writes, ADR 0023) and, once the response has ended, records what has
 * no transaction: denied accesses (401, 403, and 404 for a record hidden by visibility) and failed writes
 * (4xx/5xx), plus any successful write that recorded nothing in its transaction. Those entries are inserted
 * right after the response; a failed insert is logged at ERROR with the whole record (docs/security.md).
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger(AuditLog.class);
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final int MAX_TARGET = 512;

    private final Pool pool;
    private final boolean enabled;

    AuditLog(Pool pool, ClienteleConfig config) {
        this.pool = pool;
        this.enabled = config.audit().enabled();
    }

    void install(@Observes Router router) {
        if (!enabled) {
            return;
        }
        // Right after HttpEdge (request id assigned), before authentication and the REST layer.
        router.route().order(Integer.MIN_VALUE + 1).handler(ctx -> {
            AuditContext audit = capture(ctx);
            audit.install();
            ctx.addEndHandler(ended -> record(ctx, audit));
            ctx.next();
        });
    }

    private static boolean isWrite(HttpMethod method) {
        return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH
                || method == HttpMethod.DELETE;
    }

    /** What the transaction of a write needs to record its entry (identity comes from the service's Caller). */
    private static AuditContext capture(RoutingContext ctx) {
        String path = ctx.request().path() == null ? "" : ctx.request().path();
        String method = ctx.request().method().name();
        String target = path.length() > MAX_TARGET ? path.substring(0, MAX_TARGET) : path;
        String ip = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
        return new AuditContext(method, method + " " + UUID.matcher(target).replaceAll("{id}"), target, ip,
                ctx.request().getHeader(RequestIds.HEADER));
    }

    private void record(RoutingContext ctx, AuditContext audit) {
        String path = ctx.request().path();
        int status = ctx.response().getStatusCode();
        String reason = status == 404 ? audit.denialReason() : null;
        boolean denied = status == 401 || status == 403 || reason != null;
        if (path == null || !path.startsWith("/v1/") || !(denied || isWrite(ctx.request().method()))) {
            return;
        }
        if (!denied && status < 400 && audit.recordedInTransaction()) {
            // Already committed with the write itself (ADR 0023); a second entry would double-count it.
            return;
        }
        if (!denied && status < 400) {
            LOG.debugf("write %s %s audited at the edge only (no entry in its transaction)",
                    ctx.request().method(), path);
        }
        String tenant = null;
        String actor = null;
        String client = null;
        if (ctx.user() instanceof QuarkusHttpUser user) {
            SecurityIdentity identity = user.getSecurityIdentity();
            if (!identity.isAnonymous() && identity.getPrincipal() instanceof JsonWebToken jwt) {
                tenant = CallerContext.tenantOf(jwt);
                actor = jwt.getSubject();
                client = jwt.getClaim("azp");
            }
        }
        String outcome = denied ? "denied" : status < 400 ? "success" : "failed";
        Tuple row = Tuple.from(new Object[] { tenant, TenantRecord.now().atOffset(ZoneOffset.UTC), actor, client,
                audit.action(), audit.method(), audit.target(), status, outcome, audit.sourceIp(),
                audit.requestId(), reason });
        pool.preparedQuery("""
                INSERT INTO audit_log (tenant_id, occurred_at, actor, client_id, action, method, target, status,
                                       outcome, source_ip, request_id, reason)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                """).execute(row).subscribe().with(done -> {
        }, failure -> LOG.errorf(failure, "AUDIT RECORD NOT STORED: %s", row.deepToString()));
    }
}
