package io.clientele.customer.imports;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One entry of a {@code customer.imported} event: the file row, the customer it created or updated and, for an
 * update, the names of the fields it changed. Reflection: written by Jackson into the outbox.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImportedRow(int row, UUID customerId, String action, List<String> changedFields) {
}
