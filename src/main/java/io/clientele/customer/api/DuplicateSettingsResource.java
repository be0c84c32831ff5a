package io.clientele.customer.api;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.clientele.customer.domain.matching.DuplicatePolicy;
import io.clientele.customer.domain.matching.DuplicateSettings;
import io.clientele.customer.domain.matching.Duplicates;
import io.clientele.platform.errors.ValidationErrors;
import io.clientele.platform.http.ETags;
import io.clientele.platform.http.Params;
import io.clientele.platform.security.CallerContext;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;

/** The tenant's duplicate-checking thresholds and default policies: {@code /v1/settings/duplicates}. */
@Path("/v1/settings/duplicates")
@Produces(MediaType.APPLICATION_JSON)
public class DuplicateSettingsResource {

    private final Duplicates duplicates;
    private final CallerContext callers;

    DuplicateSettingsResource(Duplicates duplicates, CallerContext callers) {
        this.duplicates = duplicates;
        this.callers = callers;
    }

    /** Body of a PUT. Reflection: bound by Jackson. */
    @RegisterForReflection
    public record SettingsInput(Double possibleThreshold, Double likelyThreshold, String createPolicy,
            String updatePolicy) {
    }

    @GET
    @PermissionsAllowed("customers:read")
    public Uni<Response> get() {
        return callers.current().chain(caller -> duplicates.settings(caller.tenantId())).map(this::response);
    }

    /** Replaces the settings; If-Match is required ({@code "0"} while the tenant still has the defaults). */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("settings:write")
    public Uni<Response> put(SettingsInput body, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        Params.requireBody(body);
        var precondition = ETags.requireIfMatch(ifMatch);
        ValidationErrors errors = new ValidationErrors();
        threshold(errors, "/possibleThreshold", body.possibleThreshold());
        threshold(errors, "/likelyThreshold", body.likelyThreshold());
        if (body.possibleThreshold() != null && body.likelyThreshold() != null
                && body.possibleThreshold() > body.likelyThreshold()) {
            errors.add("/possibleThreshold", "must not be above likelyThreshold");
        }
        DuplicatePolicy create = DuplicatePolicy.parse(body.createPolicy());
        if (create == null) {
            errors.add("/createPolicy", "must be allow, reject or merge");
        }
        DuplicatePolicy update = DuplicatePolicy.parse(body.updatePolicy());
        if (update == null || update == DuplicatePolicy.MERGE) {
            errors.add("/updatePolicy", "must be allow or reject");
        }
        errors.throwIfAny();
        return callers.current()
                .chain(caller -> duplicates.updateSettings(caller, precondition, body.possibleThreshold(),
                        body.likelyThreshold(), create, update))
                .map(this::response);
    }

    private static void threshold(ValidationErrors errors, String pointer, Double value) {
        if (value == null) {
            errors.add(pointer, "is required");
        } else if (!(value > 0 && value <= 1)) {
            errors.add(pointer, "must be above 0 and at most 1");
        }
    }

    private Response response(DuplicateSettings s) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("possibleThreshold", s.possibleThreshold);
        body.put("likelyThreshold", s.likelyThreshold);
        body.put("createPolicy", s.createPolicy);
        body.put("updatePolicy", s.updatePolicy);
        body.put("default", s.updatedAt == null);
        if (s.updatedAt != null) {
            body.put("updatedAt", s.updatedAt.toString());
        }
        return Response.ok(body).tag(ETags.tag(s.revision())).build();
    }
}
