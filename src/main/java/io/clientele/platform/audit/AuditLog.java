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
 * Records every write (POST, PUT, PATCH, DELETE under /v1) and every denied access (401, 403) at the HTTP edge,
 * once the response has ended, so one mechanism covers every module and every failure path. The record is
 * inserted right after the response; a crash or a database failure in between loses it from the table, which
 * is why a failed insert is logged at ERROR with the whole record (docs/security.md, "Audit log").
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
            ctx.addEndHandler(ended -> record(ctx));
            ctx.next();
        });
    }

    private static boolean isWrite(HttpMethod method) {
        return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH
                || method == HttpMethod.DELETE;
    }

    private void record(RoutingContext ctx) {
        String path = ctx.request().path();
        int status = ctx.response().getStatusCode();
        boolean denied = status == 401 || status == 403;
        if (path == null || !path.startsWith("/v1/") || !(denied || isWrite(ctx.request().method()))) {
            return;
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
        String method = ctx.request().method().name();
        String target = path.length() > MAX_TARGET ? path.substring(0, MAX_TARGET) : path;
        String action = method + " " + UUID.matcher(target).replaceAll("{id}");
        String outcome = denied ? "denied" : status < 400 ? "success" : "failed";
        String ip = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
        String requestId = ctx.request().getHeader(RequestIds.HEADER);
        Tuple row = Tuple.from(new Object[] { tenant, TenantRecord.now().atOffset(ZoneOffset.UTC), actor, client,
                action, method, target, status, outcome, ip, requestId });
        pool.preparedQuery("""
                INSERT INTO audit_log (tenant_id, occurred_at, actor, client_id, action, method, target, status,
                                       outcome, source_ip, request_id)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                """).execute(row).subscribe().with(done -> {
        }, failure -> LOG.errorf(failure, "AUDIT RECORD NOT STORED: %s", row.deepToString()));
    }
}
