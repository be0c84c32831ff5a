package io.clientele.service;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.KafkaConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.testing.Db;

/** What intake wrote for one ticket, without ids and times: to compare the batch path with the one-by-one one. */
final class IntakeTrace {

    private static final ObjectMapper JSON = new ObjectMapper();

    private IntakeTrace() {
    }

    static String of(KafkaConsumer<String, String> consumer, String tenant, String subject, int expectedEvents) {
        String id = Db.strings("SELECT CAST(id AS text) FROM ticket WHERE tenant_id = ? AND subject = ?", tenant, subject)
                .get(0);
        List<String> events = new ArrayList<>();
        List<JsonNode> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                if (id.equals(r.key())) {
                    try {
                        seen.add(JSON.readTree(r.value()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            return seen.size() >= expectedEvents;
        });
        for (JsonNode e : seen) {
            JsonNode data = e.path("data");
            JsonNode t = data.path("ticket");
            List<String> keys = new ArrayList<>();
            data.fieldNames().forEachRemaining(keys::add);
            keys.sort(null);
            events.add(e.path("type").asText() + " v=" + t.path("version").asText("-") + " status="
                    + t.path("status").asText("-") + " assignee=" + t.path("assigneeId").asText("-") + " last="
                    + t.has("lastMessageAt") + " keys=" + String.join(",", keys)
                    + (data.has("from") ? " " + data.path("from").asText() + ">" + data.path("to").asText() : "")
                    + (data.has("changedFields") ? " changed=" + data.path("changedFields") : "")
                    + (data.has("message") ? " msg=" + data.path("message").path("body").asText() : ""));
        }
        List<String> history = Db.strings("SELECT operation || ' v=' || version || ' source=' || source || ' actor=' || actor"
                + " || ' fields=' || coalesce((SELECT string_agg(c->>'field', ',' ORDER BY c->>'field')"
                + " FROM jsonb_array_elements(entry->'changes') c), '')"
                + " || ' snapshot.v=' || (entry->'snapshot'->>'version')"
                + " FROM change_history WHERE tenant_id = ? AND entity_type = 'ticket' AND entity_id = CAST(? AS uuid)"
                + " ORDER BY seq", tenant, id);
        List<String> row = Db.strings("SELECT 'ticket v=' || version || ' status=' || status || ' assignee='"
                + " || coalesce(assignee_id, '-') || ' team=' || (team_id IS NOT NULL) || ' last=' || (last_message_at"
                + " = (SELECT max(created_at) FROM ticket_message m WHERE m.ticket_id = t.id))"
                + " || ' updated>=created=' || (updated_at >= created_at) || ' by=' || updated_by"
                + " || ' messages=' || (SELECT count(*) FROM ticket_message m WHERE m.ticket_id = t.id)"
                + " || ' clocks=' || (SELECT count(*) FROM ticket_sla_clock c WHERE c.ticket_id = t.id)"
                + " FROM ticket t WHERE id = CAST(? AS uuid)", id);
        return String.join("\n", events) + "\n" + String.join("\n", history) + "\n" + row.get(0);
    }
}
