package io.clientele.sales.domain;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The writable state of an opportunity, validated at the edge (see OpportunityMapper). */
public record OpportunityDraft(UUID customerId, UUID contactId, String title, BigDecimal amount, String currency,
        UUID pipelineId, UUID stageId, String ownerId, LocalDate expectedCloseDate, String source, List<String> tags,
        Map<String, Object> attributes, String closeReason) {
}
