package io.clientele.platform.query;

/** The cursor was not issued by us, was altered, or belongs to another filter/sort. */
public class InvalidCursorException extends QueryException {

    private static final long serialVersionUID = 1L;

    public InvalidCursorException(String message) {
        super(message);
    }

    public InvalidCursorException(String message, Throwable cause) {
        super(message, cause);
    }
}
