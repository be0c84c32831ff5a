package io.clientele.platform.http;

import java.util.UUID;

import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;

/**
 * Parsing of path and query parameters the server validates itself (400 invalid-parameter), and the one check
 * that a JSON request body is there at all (400 malformed-request).
 */
public final class Params {

    private Params() {
    }

    /** A record id from the path; anything but a UUID is a 400. */
    public static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidParameter("id must be a UUID");
        }
    }

    /** A whole number from {@code min} to {@code max}; absent means {@code fallback}. */
    public static int intBetween(String name, String value, int fallback, int min, int max) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // Falls through to the same answer as an out-of-range number.
        }
        throw ProblemException.invalidParameter(name + " must be a whole number from " + min + " to " + max);
    }

    /** A decimal query parameter in [min, max] (bounds written as whole numbers); null when absent, 400 when empty. */
    public static Double numberBetween(String name, String value, int min, int max) {
        if (value == null) {
            return null;
        }
        try {
            double parsed = Double.parseDouble(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // Falls through to the same answer as an out-of-range number.
        }
        throw ProblemException.invalidParameter(name + " must be a number from " + min + " to " + max);
    }

    /** A missing JSON body (empty request, or the literal {@code null}) is a 400 before any field is looked at. */
    public static void requireBody(Object body) {
        if (body == null) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "a JSON object body is required");
        }
    }
}
