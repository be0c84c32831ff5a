package io.clientele.sales.api;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.clientele.platform.query.FieldType;
import io.clientele.platform.query.QueryField;
import io.clientele.platform.query.QuerySchema;
import io.clientele.sales.domain.Activity;
import io.clientele.sales.domain.OpportunityService.Loaded;
import io.clientele.sales.domain.Pipeline;

/** What clients may filter, sort and select on the sales lists (docs/sales.md, openapi.yaml). */
final class SalesQueries {

    static final QuerySchema<Pipeline> PIPELINES = QuerySchema.<Pipeline>builder()
            .idField("id", "id", p -> p.id)
            .field(QueryField.<Pipeline>of("name", "name", FieldType.CI_STRING).sortable(p -> p.name))
            .sortableField("createdAt", "created_at", FieldType.INSTANT, p -> p.createdAt)
            .build();

    static final QuerySchema<Loaded> OPPORTUNITIES = QuerySchema.<Loaded>builder()
            .idField("id", "id", l -> l.opportunity().id)
            .field(QueryField.<Loaded>of("title", "title", FieldType.CI_STRING).sortable(l -> l.opportunity().title))
            .field("customerId", "customer_id", FieldType.UUID)
            .field("contactId", "contact_id", FieldType.UUID)
            .field("pipelineId", "pipeline_id", FieldType.UUID)
            .field("stageId", "stage_id", FieldType.UUID)
            .field(QueryField.<Loaded>of("status", "status", FieldType.ENUM).enumValues("open", "won", "lost"))
            .field("ownerId", "owner_id", FieldType.STRING)
            .field(QueryField.<Loaded>of("currency", "currency", FieldType.STRING)
                    .normalizer(v -> v.strip().toUpperCase(Locale.ROOT)))
            .sortableField("amount", "amount", FieldType.NUMBER, l -> l.opportunity().amount)
            // Nullable columns are filterable, not sortable: keyset paging needs a value in every row.
            .field("expectedCloseDate", "expected_close_date", FieldType.DATE)
            .field("source", "source", FieldType.STRING)
            .field(QueryField.<Loaded>of("tag", "tags", FieldType.ARRAY)
                    .normalizer(v -> v.strip().toLowerCase(Locale.ROOT)))
            .sortableField("stageEnteredAt", "stage_entered_at", FieldType.INSTANT, l -> l.opportunity().stageEnteredAt)
            .field("closedAt", "closed_at", FieldType.INSTANT)
            .sortableField("createdAt", "created_at", FieldType.INSTANT, l -> l.opportunity().createdAt)
            .sortableField("updatedAt", "updated_at", FieldType.INSTANT, l -> l.opportunity().updatedAt)
            .jsonAttributes("attributes", "attributes")
            .build();

    static final QuerySchema<Activity> ACTIVITIES = QuerySchema.<Activity>builder()
            .idField("id", "id", a -> a.id)
            .field(QueryField.<Activity>of("type", "type", FieldType.ENUM)
                    .enumValues("call", "meeting", "email", "note", "task"))
            .field("customerId", "customer_id", FieldType.UUID)
            .field("opportunityId", "opportunity_id", FieldType.UUID)
            .field("ownerId", "owner_id", FieldType.STRING)
            .field("assigneeId", "assignee_id", FieldType.STRING)
            .field(QueryField.<Activity>of("status", "status", FieldType.ENUM).enumValues("open", "done"))
            .sortableField("occurredAt", "occurred_at", FieldType.INSTANT, a -> a.occurredAt)
            .field("dueAt", "due_at", FieldType.INSTANT)
            .sortableField("createdAt", "created_at", FieldType.INSTANT, a -> a.createdAt)
            .build();


    static final Set<String> OPPORTUNITY_FIELDS = new LinkedHashSet<>(List.of("id", "customerId", "contactId", "title",
            "amount", "currency", "pipelineId", "stageId", "stageName", "probability", "status", "ownerId",
            "expectedCloseDate", "source", "tags", "attributes", "closeReason", "closedAt", "stageEnteredAt",
            "version", "createdAt", "updatedAt"));

    private SalesQueries() {
    }
}
