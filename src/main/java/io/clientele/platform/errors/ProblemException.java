package io.clientele.platform.errors;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The one exception type services throw for an expected error; mapped to problem+json in one place. */
public class ProblemException extends RuntimeException {

    private final ProblemType type;
    private final List<FieldError> errors;
    private final Map<String, Object> extensions = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    // Never rendered: tells the audit log why a 404 was answered (a hidden record is a denial, ADR 0023).
    private String denialReason;

    public ProblemException(ProblemType type, String detail) {
        this(type, detail, List.of());
    }

    public ProblemException(ProblemType type, String detail, List<FieldError> errors) {
        super(detail, null, false, false);
        this.type = type;
        this.errors = List.copyOf(errors);
    }

    public ProblemException with(String extension, Object value) {
        extensions.put(extension, value);
        return this;
    }

    public ProblemException header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public ProblemType type() {
        return type;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** Marks this problem as a denied access recorded in the audit log with {@code reason}; the answer is unchanged. */
    public ProblemException deniedBecause(String reason) {
        this.denialReason = reason;
        return this;
    }

    public String denialReason() {
        return denialReason;
    }

    public static ProblemException notFound(String what, Object id) {
        return new ProblemException(ProblemType.NOT_FOUND, what + " " + id + " does not exist");
    }

    public static ProblemException invalidParameter(String detail) {
        return new ProblemException(ProblemType.INVALID_PARAMETER, detail);
    }
}
