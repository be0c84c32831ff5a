package io.clientele.platform.errors;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.persistence.OptimisticLockException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.hibernate.StaleStateException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.clientele.platform.audit.AuditContext;
import io.clientele.platform.http.RequestIds;
import io.clientele.platform.query.QueryException;
import io.clientele.platform.query.InvalidCursorException;
import io.clientele.platform.query.InvalidFilterException;
import io.clientele.platform.query.InvalidSortException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.pgclient.PgException;

/** The single error pipeline: every exception becomes RFC 9457 problem+json, never a stack trace. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @Inject
    Problems problems;

    @ServerExceptionMapper
    public Response problem(ProblemException e, HttpServerRequest request) {
        if (e.denialReason() != null) {
            AuditContext.denied(e.denialReason());
        }
        return render(e, request);
    }

    @ServerExceptionMapper
    public Response query(QueryException e, HttpServerRequest request) {
        ProblemType type = e instanceof InvalidFilterException ? ProblemType.INVALID_FILTER
                : e instanceof InvalidSortException ? ProblemType.INVALID_SORT
                : e instanceof InvalidCursorException ? ProblemType.INVALID_CURSOR
                : ProblemType.INVALID_PARAMETER;
        return render(new ProblemException(type, e.getMessage()), request);
    }

    // MismatchedInputException is named explicitly: Quarkus ships a built-in mapper for it.
    @ServerExceptionMapper({ JsonProcessingException.class, MismatchedInputException.class })
    public Response json(JsonProcessingException e, HttpServerRequest request) {
        return render(new ProblemException(ProblemType.MALFORMED_REQUEST, describe(e)), request);
    }

    @ServerExceptionMapper({ AuthenticationFailedException.class, UnauthorizedException.class })
    public Response unauthorized(RuntimeException e, HttpServerRequest request) {
        return render(new ProblemException(ProblemType.UNAUTHORIZED,
                "a valid bearer token is required").header(HttpHeaders.WWW_AUTHENTICATE, "Bearer"), request);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, HttpServerRequest request) {
        return render(new ProblemException(ProblemType.FORBIDDEN,
                "the token does not grant the permission this operation needs"), request);
    }

    @ServerExceptionMapper({ OptimisticLockException.class, StaleStateException.class })
    public Response stale(RuntimeException e, HttpServerRequest request) {
        return render(new ProblemException(ProblemType.PRECONDITION_FAILED,
                "the record was changed by another request; read it again and retry with its ETag"), request);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, HttpServerRequest request) {
        int status = e.getResponse().getStatus();
        ProblemType type = switch (status) {
            case 400 -> ProblemType.MALFORMED_REQUEST;
            case 401 -> ProblemType.UNAUTHORIZED;
            case 403 -> ProblemType.FORBIDDEN;
            case 404 -> ProblemType.NOT_FOUND;
            case 405 -> ProblemType.METHOD_NOT_ALLOWED;
            case 406 -> ProblemType.NOT_ACCEPTABLE;
            case 413 -> ProblemType.PAYLOAD_TOO_LARGE;
            case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
            default -> status >= 500 ? ProblemType.INTERNAL_ERROR : ProblemType.MALFORMED_REQUEST;
        };
        String detail = switch (type) {
            case NOT_FOUND -> "no resource at " + request.path();
            case METHOD_NOT_ALLOWED -> request.method() + " is not allowed on " + request.path();
            case NOT_ACCEPTABLE -> "this resource produces application/json";
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported Content-Type " + request.getHeader("Content-Type");
            default -> e instanceof NotAllowedException || e instanceof NotAcceptableException ? null
                    : sanitize(e.getMessage());
        };
        if (status >= 500) {
            LOG.errorf(e, "request %s failed", RequestIds.of(request));
            detail = "an unexpected error occurred; quote the requestId when reporting it";
        }
        ProblemException problem = new ProblemException(type, detail);
        if (type == ProblemType.METHOD_NOT_ALLOWED && e.getResponse().getHeaderString("Allow") != null) {
            problem.header("Allow", e.getResponse().getHeaderString("Allow"));
        }
        return render(problem, request);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, HttpServerRequest request) {
        Throwable root = rootCause(e);
        if (root instanceof PgException pg && "23505".equals(pg.getSqlState())) {
            return render(new ProblemException(ProblemType.CONFLICT,
                    "a record with the same unique key already exists"), request);
        }
        if (root instanceof OptimisticLockException || root instanceof StaleStateException) {
            return stale((RuntimeException) root, request);
        }
        if (root instanceof ProblemException p) {
            return render(p, request);
        }
        LOG.errorf(e, "request %s failed", RequestIds.of(request));
        return render(new ProblemException(ProblemType.INTERNAL_ERROR,
                "an unexpected error occurred; quote the requestId when reporting it"), request);
    }

    private Response render(ProblemException e, HttpServerRequest request) {
        return problems.response(e, request.path(), RequestIds.of(request));
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** Jackson's own messages name Java classes; clients get the location and the expectation instead. */
    public static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown field '" + u.getPropertyName() + "' at " + pointer(u.getPath());
        }
        if (e instanceof InvalidFormatException f) {
            return "invalid value at " + pointer(f.getPath()) + ": expected " + expected(f.getTargetType());
        }
        if (e instanceof MismatchedInputException m) {
            return "wrong JSON type at " + pointer(m.getPath()) + ": expected " + expected(m.getTargetType());
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            return "invalid value at " + pointer(m.getPath());
        }
        var location = e.getLocation();
        return "the body is not valid JSON" + (location == null ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")");
    }

    public static String pointer(List<JsonMappingException.Reference> path) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            sb.append('/').append(ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()));
        }
        return sb.length() == 0 ? "/" : sb.toString();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (CharSequence.class.isAssignableFrom(type)) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "a boolean";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        if (type == java.util.UUID.class) {
            return "a UUID string";
        }
        return "another type";
    }

    private static String sanitize(String message) {
        return message == null || message.contains("Exception") ? null : message;
    }
}
