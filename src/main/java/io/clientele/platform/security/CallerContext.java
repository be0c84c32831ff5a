package io.clientele.platform.security;

import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/** Resolves the caller of the current request from its validated token; tenancy starts here. */
@ApplicationScoped
public class CallerContext {

    public static final String TENANT_CLAIM = "tenant_id";
    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final CurrentIdentityAssociation identities;

    CallerContext(CurrentIdentityAssociation identities) {
        this.identities = identities;
    }

    public Uni<Caller> current() {
        return identities.getDeferredIdentity().map(CallerContext::toCaller);
    }

    /** The token's tenant, or null when it carries no valid tenant_id claim. */
    public static String tenantOf(JsonWebToken jwt) {
        Object tenant = jwt.getClaim(TENANT_CLAIM);
        String tenantId = tenant == null ? null : tenant.toString();
        if (tenantId != null && tenantId.startsWith("\"")) {
            tenantId = tenantId.substring(1, tenantId.length() - 1);
        }
        return tenantId != null && TENANT.matcher(tenantId).matches() ? tenantId : null;
    }

    static Caller toCaller(SecurityIdentity identity) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            throw new ProblemException(ProblemType.UNAUTHORIZED, "a valid bearer token is required")
                    .header("WWW-Authenticate", "Bearer");
        }
        String tenantId = tenantOf(jwt);
        if (tenantId == null) {
            throw new ProblemException(ProblemType.FORBIDDEN, "the token carries no valid tenant_id claim");
        }
        String client = jwt.getClaim("azp");
        return new Caller(tenantId, jwt.getSubject(), client, identity.getRoles());
    }
}
