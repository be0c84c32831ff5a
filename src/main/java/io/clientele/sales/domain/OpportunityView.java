package io.clientele.sales.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The one representation of an opportunity: API responses, history snapshots and event data. */
public final class OpportunityView {

    private OpportunityView() {
    }

    public static Map<String, Object> of(Opportunity o, Stage stage) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", o.id.toString());
        v.put("customerId", o.customerId.toString());
        v.put("contactId", o.contactId == null ? null : o.contactId.toString());
        v.put("title", o.title);
        v.put("amount", Money.format(o.amount, o.currency));
        v.put("currency", o.currency);
        v.put("pipelineId", o.pipelineId.toString());
        v.put("stageId", o.stageId.toString());
        v.put("stageName", stage == null ? null : stage.name());
        v.put("probability", stage == null ? null : stage.probability());
        v.put("status", o.status);
        v.put("ownerId", o.ownerId);
        v.put("expectedCloseDate", o.expectedCloseDate == null ? null : o.expectedCloseDate.toString());
        v.put("source", o.source);
        v.put("tags", List.of(o.tags));
        v.put("attributes", o.attributes);
        v.put("closeReason", o.closeReason);
        v.put("closedAt", o.closedAt == null ? null : o.closedAt.toString());
        v.put("stageEnteredAt", o.stageEnteredAt.toString());
        v.put("version", o.version);
        v.put("createdAt", o.createdAt.toString());
        v.put("updatedAt", o.updatedAt.toString());
        return v;
    }
}
