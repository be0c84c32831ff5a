package io.clientele.platform.errors;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Renders RFC 9457 problem details; the only place that writes application/problem+json. */
@ApplicationScoped
public class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";

    private final ObjectMapper mapper;

    Problems(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public Response response(ProblemException problem, String instance, String requestId) {
        Response.ResponseBuilder builder = Response.status(problem.type().status())
                .type(MEDIA_TYPE)
                .entity(body(problem.type(), problem.getMessage(), instance, requestId, problem.errors(),
                        problem.extensions()));
        problem.headers().forEach(builder::header);
        return builder.build();
    }

    public String body(ProblemType type, String detail, String instance, String requestId,
            List<FieldError> errors, Map<String, Object> extensions) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type.uri().toString());
        body.put("title", type.title());
        body.put("status", type.status());
        if (detail != null) {
            body.put("detail", detail);
        }
        if (instance != null) {
            body.put("instance", instance);
        }
        if (requestId != null) {
            body.put("requestId", requestId);
        }
        if (!errors.isEmpty()) {
            body.put("errors", errors);
        }
        extensions.forEach(body::putIfAbsent);
        try {
            return mapper.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            // Only plain maps, strings and numbers are written here.
            throw new IllegalStateException(e);
        }
    }
}
