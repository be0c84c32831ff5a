package io.clientele.platform.errors;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Collects every broken rule of a request so the client learns all of them in one 422. */
public final class ValidationErrors {

    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private final List<FieldError> errors = new ArrayList<>();

    public ValidationErrors add(String pointer, String detail) {
        errors.add(new FieldError(pointer, detail));
        return this;
    }

    /**
     * Checks single-line text: stripped, blank counts as absent (null), at most {@code max}
     * characters (code points), no control characters. Returns the stripped value.
     */
    public String text(String pointer, String value, int max) {
        if (value == null) {
            return null;
        }
        String trimmed = value.strip();
        if (trimmed.isEmpty()) {
            return null;
        }
        if (trimmed.codePointCount(0, trimmed.length()) > max) {
            add(pointer, "must be at most " + max + " characters");
        } else if (CONTROL.matcher(trimmed).find()) {
            add(pointer, "must not contain control characters");
        }
        return trimmed;
    }

    /** Like {@link #text} but absent is an error. */
    public String requiredText(String pointer, String value, int max) {
        String text = text(pointer, value, max);
        if (text == null) {
            add(pointer, "is required");
        }
        return text;
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public void throwIfAny() {
        if (!errors.isEmpty()) {
            String detail = errors.size() == 1
                    ? errors.get(0).pointer() + ": " + errors.get(0).detail()
                    : errors.size() + " fields are invalid";
            throw new ProblemException(ProblemType.VALIDATION_FAILED, detail, errors);
        }
    }
}
