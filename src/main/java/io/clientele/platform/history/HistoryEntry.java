package io.clientele.platform.history;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** One recorded change of one record, as read back for timelines and as-of reads. */
public record HistoryEntry(long seq, String entityType, String entityId, long version, String operation,
        String source, String actor, String clientId, String correlationId, Instant occurredAt,
        List<FieldChange> changes, JsonNode snapshot) {
}
