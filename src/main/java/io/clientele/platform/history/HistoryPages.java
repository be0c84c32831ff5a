package io.clientele.platform.history;

import java.util.LinkedHashMap;
import java.util.Map;

import io.clientele.platform.query.FieldType;
import io.clientele.platform.query.QueryField;
import io.clientele.platform.query.QuerySchema;

/** How every history endpoint ({@code GET /v1/<records>/{id}/history}) pages and shows change records. */
public final class HistoryPages {

    /** History entries page newest first by their sequence number; they are not filterable. */
    public static final QuerySchema<HistoryEntry> SCHEMA = QuerySchema.<HistoryEntry>builder()
            .idField(QueryField.<HistoryEntry>of("id", "seq", FieldType.NUMBER).filterable(false)
                    .sortable(HistoryEntry::seq))
            .build();

    private HistoryPages() {
    }

    /** One entry as the API shows it (the HistoryEntry schema); absent actor, client and correlation left out. */
    public static Map<String, Object> view(HistoryEntry e) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", String.valueOf(e.seq()));
        item.put("version", e.version());
        item.put("operation", e.operation());
        item.put("source", e.source());
        if (e.actor() != null) {
            item.put("actor", e.actor());
        }
        if (e.clientId() != null) {
            item.put("clientId", e.clientId());
        }
        if (e.correlationId() != null) {
            item.put("correlationId", e.correlationId());
        }
        item.put("occurredAt", e.occurredAt().toString());
        item.put("changes", e.changes());
        return item;
    }
}
