package io.clientele.platform.query;

/** The {@code filter} parameter does not parse, or names a field, operator or value that is not allowed. */
public class InvalidFilterException extends QueryException {

    private static final long serialVersionUID = 1L;

    private final int position;

    public InvalidFilterException(String message) {
        this(message, -1);
    }

    public InvalidFilterException(String message, int position) {
        super(message);
        this.position = position;
    }

    /** Zero-based character (code point) offset in the filter the error refers to, or -1 when none. */
    public int position() {
        return position;
    }
}
