package io.clientele.platform.security;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.config.ClienteleConfig;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/** Turns the token's realm roles into permissions (`customers:write`, ...) from configuration. */
@ApplicationScoped
public class RolePermissionAugmentor implements SecurityIdentityAugmentor {

    private final Map<String, List<String>> rolePermissions;

    RolePermissionAugmentor(ClienteleConfig config) {
        this.rolePermissions = config.security().rolePermissions();
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous()) {
            return Uni.createFrom().item(identity);
        }
        Set<String> permissions = new HashSet<>();
        for (String role : identity.getRoles()) {
            permissions.addAll(rolePermissions.getOrDefault(role, List.of()));
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder(identity)
                .addPermissionsAsString(permissions)
                .build());
    }
}
