package io.clientele.platform.http;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.MDC;

import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;
import io.clientele.platform.errors.Problems;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;

/**
 * Runs first for every HTTP request, before authentication: assigns the request id (echoed on every
 * response, including 401s and /q endpoints) and rejects oversize bodies with a problem+json 413: file uploads
 * ({@code POST /v1/imports}) up to {@code clientele.imports.max-upload-bytes}, every other body up to
 * {@code clientele.http.max-json-body}.
 */
@ApplicationScoped
public class HttpEdge {

    private final Problems problems;
    /** The one route that takes files; everything else is JSON. */
    static final String UPLOAD_PATH = "/v1/imports";

    private final long maxJsonBody;
    private final long maxUpload;

    HttpEdge(Problems problems, ClienteleConfig config) {
        this.problems = problems;
        this.maxJsonBody = config.http().maxJsonBody();
        this.maxUpload = config.imports().maxUploadBytes();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String requestId = RequestIds.accept(ctx.request().getHeader(RequestIds.HEADER));
            // Stored on the request so mappers and services read one value wherever they run.
            ctx.request().headers().set(RequestIds.HEADER, requestId);
            ctx.response().putHeader(RequestIds.HEADER, requestId);
            MDC.put("requestId", requestId);
            long limit = ctx.request().method() == HttpMethod.POST && UPLOAD_PATH.equals(ctx.request().path())
                    ? maxUpload : maxJsonBody;
            if (hasBody(ctx.request().method()) && tooLarge(ctx.request().getHeader("Content-Length"), limit)) {
                String body = problems.body(ProblemType.PAYLOAD_TOO_LARGE,
                        "the body exceeds " + limit + " bytes", ctx.request().path(), requestId,
                        java.util.List.of(), java.util.Map.of());
                ctx.response().setStatusCode(413).putHeader("Content-Type", Problems.MEDIA_TYPE)
                        .putHeader("Connection", "close").end(body);
                return;
            }
            ctx.next();
        });
    }

    private static boolean hasBody(HttpMethod method) {
        return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
    }

    private static boolean tooLarge(String contentLength, long limit) {
        if (contentLength == null) {
            return false;
        }
        try {
            return Long.parseLong(contentLength.trim()) > limit;
        } catch (NumberFormatException e) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "invalid Content-Length");
        }
    }
}
