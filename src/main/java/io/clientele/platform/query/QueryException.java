package io.clientele.platform.query;

/**
 * A client error in a list query: bad filter, sort or cursor. The message is written for API
 * clients (it becomes the problem {@code detail}), so it never contains SQL or internals.
 */
public class QueryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public QueryException(String message) {
        super(message);
    }

    public QueryException(String message, Throwable cause) {
        super(message, cause);
    }
}
