package io.clientele.service.survey.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.clientele.platform.errors.ValidationErrors;
import io.clientele.platform.http.Params;
import io.clientele.platform.http.RequestIds;
import io.clientele.service.survey.Survey;
import io.clientele.service.survey.SurveyService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * The one unauthenticated part of the API: a customer answers a survey with the signed link they were
 * sent. The link is the credential; it names one survey and works once.
 */
@Path("/v1/public/surveys/{token}")
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
public class PublicSurveyResource {

    private final SurveyService surveys;

    PublicSurveyResource(SurveyService surveys) {
        this.surveys = surveys;
    }

    /** A rating 1-5 and an optional comment. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record AnswerInput(Integer rating, String comment) {
    }

    @GET
    public Uni<Response> get(@PathParam("token") String token) {
        return surveys.open(token).map(s -> Response.ok(view(s)).build());
    }

    @POST
    @Path("/answer")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> answer(@PathParam("token") String token, AnswerInput body, HttpServerRequest request) {
        Params.requireBody(body);
        ValidationErrors errors = new ValidationErrors();
        if (body.rating() == null || body.rating() < 1 || body.rating() > 5) {
            errors.add("/rating", "must be a whole number from 1 to 5");
        }
        String comment = errors.text("/comment", body.comment() == null ? null : body.comment().replace('\n', ' '),
                2000);
        errors.throwIfAny();
        return surveys.answer(token, RequestIds.of(request), body.rating(), comment)
                .map(s -> Response.ok(view(s)).build());
    }

    /** What the link holder sees: no agent, team or ticket details. */
    private static Map<String, Object> view(Survey s) {
        Map<String, Object> view = new LinkedHashMap<>();
        Instant now = Instant.now();
        view.put("state", s.state(now));
        view.put("expiresAt", s.expiresAt.toString());
        if (s.answeredAt != null) {
            view.put("answeredAt", s.answeredAt.toString());
            view.put("rating", s.rating);
            if (s.comment != null) {
                view.put("comment", s.comment);
            }
        }
        return view;
    }
}
