package io.clientele.sales.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.clientele.sales.domain.Money;
import io.clientele.sales.domain.OpportunityDraft;

/** Writable states as the API spells them, the base a merge patch is applied to. */
final class SalesViews {

    private SalesViews() {
    }

    static Map<String, Object> writable(OpportunityDraft d) {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("customerId", d.customerId().toString());
        w.put("contactId", d.contactId() == null ? null : d.contactId().toString());
        w.put("title", d.title());
        w.put("amount", Money.format(d.amount(), d.currency()));
        w.put("currency", d.currency());
        w.put("pipelineId", d.pipelineId().toString());
        w.put("stageId", d.stageId().toString());
        w.put("ownerId", d.ownerId());
        w.put("expectedCloseDate", d.expectedCloseDate() == null ? null : d.expectedCloseDate().toString());
        w.put("source", d.source());
        w.put("tags", List.copyOf(d.tags()));
        w.put("attributes", d.attributes());
        w.put("closeReason", d.closeReason());
        return w;
    }
}
