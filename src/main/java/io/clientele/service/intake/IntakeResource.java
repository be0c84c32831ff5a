package io.clientele.service.intake;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.http.Params;
import io.clientele.platform.http.RequestIds;
import io.clientele.platform.idempotency.Idempotency;
import io.clientele.platform.security.CallerContext;
import io.clientele.service.tickets.TicketChannel;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * REST intake for gateways: the same semantics as the Kafka intake topics (deduplicated by the
 * message's natural id, threaded, requester matched), answered synchronously.
 */
@Path("/v1/intake/{channel}")
@Produces(MediaType.APPLICATION_JSON)
public class IntakeResource {

    private final IntakeService intake;
    private final CallerContext callers;
    private final Idempotency idempotency;

    IntakeResource(IntakeService intake, CallerContext callers, Idempotency idempotency) {
        this.intake = intake;
        this.callers = callers;
        this.idempotency = idempotency;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed("intake:write")
    public Uni<Response> receive(@PathParam("channel") String channelName, IntakeData body,
            @HeaderParam(Idempotency.HEADER) String key, HttpServerRequest request) {
        TicketChannel channel = TicketChannel.parse(channelName);
        if (channel == null) {
            throw ProblemException.notFound("intake channel", channelName);
        }
        Params.requireBody(body);
        String requestId = RequestIds.of(request);
        return callers.current().chain(caller -> {
            IntakeCommand command = IntakeCommand.of(caller.tenantId(), channel, body, null);
            return idempotency.run(caller, key, "POST /v1/intake/" + channel.apiName(), body,
                    () -> intake.ingest(caller, requestId, command).map(IntakeResource::response));
        });
    }

    private static Response response(IntakeOutcome outcome) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("result", outcome.result().apiName());
        body.put("ticketId", outcome.ticketId().toString());
        body.put("messageId", outcome.messageId().toString());
        URI location = URI.create("/v1/tickets/" + outcome.ticketId());
        return (outcome.result() == IntakeOutcome.Result.CREATED ? Response.created(location)
                : Response.ok().location(location)).entity(body).build();
    }
}
