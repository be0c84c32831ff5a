package io.clientele.platform.errors;

import java.util.ArrayList;
import java.util.List;

/** Collects every broken rule of a request so the client learns all of them in one 422. */
public final class ValidationErrors {

    private final List<FieldError> errors = new ArrayList<>();

    public ValidationErrors add(String pointer, String detail) {
        errors.add(new FieldError(pointer, detail));
        return this;
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
