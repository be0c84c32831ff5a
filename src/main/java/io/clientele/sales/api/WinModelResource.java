package io.clientele.sales.api;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.idempotency.Idempotency;
import io.clientele.platform.security.CallerContext;
import io.clientele.sales.scoring.WinModel;
import io.clientele.sales.scoring.WinModels;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;

/** The win-probability model: its report and training on demand (scores: OpportunityResource). */
@Path("/v1/win-model")
@Produces(MediaType.APPLICATION_JSON)
public class WinModelResource {

    private final WinModels models;
    private final CallerContext callers;
    private final Idempotency idempotency;

    WinModelResource(WinModels models, CallerContext callers, Idempotency idempotency) {
        this.models = models;
        this.callers = callers;
        this.idempotency = idempotency;
    }

    @GET
    @PermissionsAllowed("opportunities:read")
    public Uni<Response> report() {
        return callers.current().chain(caller -> models.current(caller.tenantId())).map(cached -> {
            if (cached.model() == null) {
                throw new ProblemException(io.clientele.platform.errors.ProblemType.NOT_FOUND,
                        "no win-probability model has been trained for this tenant yet");
            }
            return Response.ok(report("trained", null, cached.model())).build();
        });
    }

    @POST
    @Path("/training")
    @PermissionsAllowed("win-model:train")
    public Uni<Response> train(@HeaderParam(Idempotency.HEADER) String key) {
        return callers.current().chain(caller -> idempotency.run(caller, key, "POST /v1/win-model/training", Map.of(),
                () -> models.train(caller.tenantId(), caller)
                        .map(r -> Response.ok(report(r.status(), r.reason(), r.model())).build())));
    }

    static Map<String, Object> report(String status, String reason, WinModel model) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        if (reason != null) {
            body.put("reason", reason);
        }
        body.put("library", WinModels.LIBRARY);
        if (model != null && model.quality() != null) {
            WinModel.Quality q = model.quality();
            body.put("trainedAt", q.trainedAt());
            body.put("closedOpportunities", q.closedOpportunities());
            body.put("trainingSize", q.trainingSize());
            body.put("testSize", q.testSize());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("auc", q.auc());
            m.put("brier", q.brier());
            body.put("model", m);
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("auc", q.baselineAuc());
            b.put("brier", q.baselineBrier());
            body.put("baseline", b);
        }
        return body;
    }
}
