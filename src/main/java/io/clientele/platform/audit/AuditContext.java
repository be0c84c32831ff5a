package io.clientele.platform.audit;

import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.common.vertx.VertxContext;

/**
 * What the HTTP edge knows about the request being served (method, action, path, source IP, request id), kept
 * on the request's Vert.x context so code inside the write's transaction can record the audit entry there
 * (ADR 0023), and so the 404 mapping can tell the edge that a record was hidden by visibility.
 */
public final class AuditContext {

    private static final String KEY = "clientele.audit.context";

    private final String method;
    private final String action;
    private final String target;
    private final String sourceIp;
    private final String requestId;
    // Written and read on the request's own context; volatile because continuations may hop threads.
    private volatile boolean recordedInTransaction;
    private volatile String denialReason;

    AuditContext(String method, String action, String target, String sourceIp, String requestId) {
        this.method = method;
        this.action = action;
        this.target = target;
        this.sourceIp = sourceIp;
        this.requestId = requestId;
    }

    /** The context of the request being served here, or null (background jobs, Kafka consumers, no audit). */
    public static AuditContext current() {
        if (!VertxContext.isOnDuplicatedContext()) {
            return null;
        }
        return ContextLocals.<AuditContext> get(KEY).orElse(null);
    }

    void install() {
        if (VertxContext.isOnDuplicatedContext()) {
            ContextLocals.put(KEY, this);
        }
    }

    /** Marks the request's 404 as a denial (the record exists but is outside the caller's scope). */
    public static void denied(String reason) {
        AuditContext ctx = current();
        if (ctx != null) {
            ctx.denialReason = reason;
        }
    }

    public String method() {
        return method;
    }

    public String action() {
        return action;
    }

    public String target() {
        return target;
    }

    public String sourceIp() {
        return sourceIp;
    }

    public String requestId() {
        return requestId;
    }

    boolean recordedInTransaction() {
        return recordedInTransaction;
    }

    void markRecordedInTransaction() {
        recordedInTransaction = true;
    }

    String denialReason() {
        return denialReason;
    }
}
