package io.clientele.platform.query;

/** The {@code sort} parameter names an unknown or non-sortable field, or is malformed. */
public class InvalidSortException extends QueryException {

    private static final long serialVersionUID = 1L;

    public InvalidSortException(String message) {
        super(message);
    }
}
