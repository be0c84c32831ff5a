package io.clientele.platform.security;

import java.util.Set;

/**
 * Who is calling: the tenant every query is scoped to, the subject recorded as actor, and the OAuth
 * client (partner app or gateway) the token was issued to.
 */
public record Caller(String tenantId, String subject, String clientId, Set<String> roles) {

    /** The identity idempotency keys and rate limits are scoped to. */
    public String principal() {
        return clientId == null ? subject : clientId + "/" + subject;
    }
}
