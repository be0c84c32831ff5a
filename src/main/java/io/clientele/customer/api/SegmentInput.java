package io.clientele.customer.api;

import io.clientele.customer.domain.SegmentService.SegmentDraft;
import io.clientele.platform.errors.ValidationErrors;
import io.clientele.platform.query.FilterParser;
import io.clientele.platform.query.QueryException;
import io.clientele.platform.query.SqlFilterCompiler;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of a segment create, and the document a segment merge patch applies to. */
@RegisterForReflection
public record SegmentInput(String name, String description, String filter) {

    SegmentDraft toDraft() {
        ValidationErrors errors = new ValidationErrors();
        String checkedName = errors.requiredText("/name", name, 100);
        String checkedDescription = errors.text("/description", description, 1000);
        String checkedFilter = filter == null || filter.isBlank() ? null : filter.strip();
        if (checkedFilter == null) {
            errors.add("/filter", "is required: a filter over customer fields (docs/filtering.md)");
        } else if (SensitiveAccess.namesSensitive(checkedFilter)) {
            // A saved filter is stored in clear: it must not hold a national id or a personal phone number.
            errors.add("/filter", "segments cannot filter on the encrypted fields nationalId and personalPhone");
        } else {
            try {
                // Compiling proves every field, operator and value is valid for customers.
                SqlFilterCompiler.compile(FilterParser.parse(checkedFilter), CustomerQueries.SCHEMA);
            } catch (QueryException e) {
                errors.add("/filter", e.getMessage());
            }
        }
        errors.throwIfAny();
        return new SegmentDraft(checkedName, checkedDescription, checkedFilter);
    }
}
