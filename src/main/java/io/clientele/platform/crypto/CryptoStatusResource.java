package io.clientele.platform.crypto;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;

/** {@code GET /v1/admin/crypto/status}: the active key version and the re-encryption progress (all tenants). */
@Path("/v1/admin/crypto/status")
@Produces(MediaType.APPLICATION_JSON)
public class CryptoStatusResource {

    private final Reencryption reencryption;

    CryptoStatusResource(Reencryption reencryption) {
        this.reencryption = reencryption;
    }

    @GET
    @PermissionsAllowed("crypto:admin")
    public Uni<Response> status() {
        return reencryption.status().map(body -> Response.ok(body).build());
    }
}
