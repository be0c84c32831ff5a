package io.clientele.customer.api;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Set;

import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;
import io.clientele.platform.query.FilterNode;
import io.clientele.platform.query.FilterParser;
import io.quarkus.security.StringPermission;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;

/** Whether the caller may see sensitive customer fields in clear ({@code customers:read-sensitive}). */
@ApplicationScoped
class SensitiveAccess {

    static final String PERMISSION = "customers:read-sensitive";
    private static final StringPermission READ_SENSITIVE = new StringPermission("customers", "read-sensitive");

    private final CurrentIdentityAssociation identities;

    SensitiveAccess(CurrentIdentityAssociation identities) {
        this.identities = identities;
    }

    /**
     * Whether the caller may see sensitive values; when {@code filter} compares an encrypted field, a caller
     * without the permission is refused (403), since matching on a national id would tell its holder.
     */
    Uni<Boolean> reveal(String filter) {
        boolean sensitiveFilter = namesSensitive(filter);
        return reveal().invoke(allowed -> {
            if (sensitiveFilter && !allowed) {
                throw new ProblemException(ProblemType.FORBIDDEN,
                        "filtering on nationalId or personalPhone needs the permission " + PERMISSION);
            }
        });
    }

    static boolean namesSensitive(String filter) {
        if (filter == null || filter.isBlank()) {
            return false;
        }
        try {
            return names(FilterParser.parse(filter));
        } catch (RuntimeException e) {
            return false; // the list answers the parse error itself
        }
    }

    private static boolean names(FilterNode node) {
        if (node instanceof FilterNode.Comparison c) {
            return SENSITIVE_FIELDS.contains(c.selector());
        }
        List<FilterNode> children = node instanceof FilterNode.And and ? and.children()
                : ((FilterNode.Or) node).children();
        return children.stream().anyMatch(SensitiveAccess::names);
    }

    private static final Set<String> SENSITIVE_FIELDS = Set.of("nationalId", "personalPhone");

    Uni<Boolean> reveal() {
        return identities.getDeferredIdentity().chain(identity -> identity.isAnonymous()
                ? Uni.createFrom().item(false) : identity.checkPermission(READ_SENSITIVE));
    }
}
