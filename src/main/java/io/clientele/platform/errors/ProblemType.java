package io.clientele.platform.errors;

import java.net.URI;

/** Every kind of error the API returns, each with a stable type URI (docs/api-conventions.md). */
public enum ProblemType {
    CUSTOMER_MERGED(308, "Customer merged"),
    MALFORMED_REQUEST(400, "Malformed request"),
    INVALID_PARAMETER(400, "Invalid parameter"),
    INVALID_FILTER(400, "Invalid filter"),
    INVALID_SORT(400, "Invalid sort"),
    INVALID_CURSOR(400, "Invalid cursor"),
    UNAUTHORIZED(401, "Unauthorized"),
    FORBIDDEN(403, "Forbidden"),
    NOT_FOUND(404, "Not found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    NOT_ACCEPTABLE(406, "Not acceptable"),
    CONFLICT(409, "Conflict"),
    AMBIGUOUS_LOOKUP(409, "Ambiguous look-up"),
    DUPLICATE_CUSTOMER(409, "Duplicate customer"),
    PRECONDITION_FAILED(412, "Precondition failed"),
    PAYLOAD_TOO_LARGE(413, "Payload too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    VALIDATION_FAILED(422, "Validation failed"),
    IDEMPOTENCY_KEY_REUSED(422, "Idempotency key reused"),
    INVALID_IMPORT_FILE(422, "Invalid import file"),
    PRECONDITION_REQUIRED(428, "Precondition required"),
    TOO_MANY_REQUESTS(429, "Too many requests"),
    INTERNAL_ERROR(500, "Internal error"),
    SERVICE_UNAVAILABLE(503, "Service unavailable"),
    // Public survey links (service/survey): forged or unknown, past their expiry, already used.
    SURVEY_LINK_INVALID(404, "Survey link invalid"),
    SURVEY_LINK_EXPIRED(410, "Survey link expired"),
    SURVEY_ALREADY_ANSWERED(409, "Survey already answered");

    public static final String BASE = "https://clientele.io/problems/";

    private final int status;
    private final String title;

    ProblemType(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public URI uri() {
        return URI.create(BASE + name().toLowerCase().replace('_', '-'));
    }
}
