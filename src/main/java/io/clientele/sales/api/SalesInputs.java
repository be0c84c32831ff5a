package io.clientele.sales.api;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Request bodies of the sales endpoints, as specified in openapi.yaml; validated by {@link SalesMapper}. */
final class SalesInputs {

    private SalesInputs() {
    }

    // Bound by Jackson from trees (merge patches), outside the REST layer's own registration.
    @RegisterForReflection
    record StageInput(String id, String name, BigDecimal probability, Boolean won, Boolean lost,
            Integer staleAfterDays, Integer position) {
    }

    @RegisterForReflection
    record PipelineInput(String name, List<StageInput> stages) {
    }

    @RegisterForReflection
    record OpportunityInput(String customerId, String contactId, String title, String amount, String currency,
            String pipelineId, String stageId, String ownerId, String expectedCloseDate, String source,
            List<String> tags, Map<String, Object> attributes, String closeReason) {
    }

    @RegisterForReflection
    record ActivityInput(String type, String customerId, String opportunityId, String subject, String body,
            String occurredAt, String ownerId, String dueAt, String assigneeId, String status) {
    }
}
