package io.clientele.service.sla;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.clientele.service.survey.SurveyTest;
import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Policy re-selection on a priority/type change (ADR 0024) and clocks restarting when a solved ticket reopens,
 * on real tickets, calendars and the real scheduler.
 */
@QuarkusTest
@WithTestResource(InfraResource.class)
class SlaPolicyChangeTest {

    private static String policy(Api api, String priority, Map<String, String> targets, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of("priorities", List.of(priority), "targets", targets));
        body.putAll(extra);
        return TicketSlaTest.policy(api, body);
    }

    private static String ticket(Api api, String priority) {
        return TicketSlaTest.ticket(api, priority);
    }

    private static void patch(Api api, String id, Map<String, Object> change) {
        String etag = api.call().get("/v1/tickets/" + id).then().extract().header("ETag");
        api.call().contentType("application/merge-patch+json").header("If-Match", etag).body(change)
                .patch("/v1/tickets/" + id).then().statusCode(200);
    }

    private static void message(Api api, String id, String direction) {
        TicketSlaTest.message(api, id, direction);
    }

    private static JsonPath sla(Api api, String id) {
        return api.call().get("/v1/tickets/" + id + "/sla").then().statusCode(200).extract().jsonPath();
    }

    private static String clock(JsonPath sla, String metric, String field) {
        Object value = sla.get("clocks.find { it.metric == '" + metric + "' }." + field);
        return value == null ? null : value.toString();
    }

    /** When a clock started running last, as an ISO instant. */
    private static String runningSince(String ticket, String metric) {
        return Db.strings("""
                SELECT to_char(running_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
                  FROM ticket_sla_clock WHERE ticket_id = ?::uuid AND metric = ?
                """, ticket, metric).get(0);
    }

    private static Instant due(Api api, String calendar, String from, String add) {
        return Instant.parse(api.call().queryParam("from", from).queryParam("add", add)
                .get("/v1/sla/calendars/" + calendar + "/business-time").then().statusCode(200).extract()
                .path("dueAt"));
    }

    @Test
    void aPriorityChangeMovesClocksToTheNewPolicyKeepingTheirTimeAcrossAZoneAndHoliday() {
        Api api = Api.freshTenant();
        ZoneId newYork = ZoneId.of("America/New_York");
        LocalDate today = LocalDate.now(newYork);
        String cal = SlaSettingsTest.calendar(api, "New York", "America/New_York", SlaSettingsTest.officeWeek(),
                List.of(Map.of("date", today.plusDays(1).toString()), Map.of("date", today.plusDays(2).toString())));
        String normal = policy(api, "normal", Map.of("firstResponse", "PT4H", "resolution", "PT40H"), Map.of());
        String urgent = policy(api, "urgent", Map.of("firstResponse", "PT2H", "resolution", "PT16H"),
                Map.of("calendarId", cal, "warnBeforePercent", 25));
        String id = ticket(api, "normal");
        String createdAt = api.call().get("/v1/tickets/" + id).then().extract().path("createdAt");
        JsonPath before = sla(api, id);
        assertEquals(normal, before.getString("policy.id"));
        assertEquals(Instant.parse(createdAt), Instant.parse(before.getString("policy.since")));

        // An hour of business time went by under the first policy, then the customer was asked for details.
        patch(api, id, Map.of("status", "open"));
        patch(api, id, Map.of("status", "pending"));
        Db.execute("UPDATE ticket_sla_clock SET used_seconds = 3600 WHERE ticket_id = ?::uuid", id);

        patch(api, id, Map.of("priority", "urgent"));
        JsonPath moved = sla(api, id);
        assertEquals(urgent, moved.getString("policy.id"));
        assertTrue(Instant.parse(moved.getString("policy.since")).isAfter(Instant.parse(createdAt)));
        for (String metric : List.of("firstResponse", "resolution")) {
            assertEquals("paused", clock(moved, metric, "state"));
            assertEquals("PT1H", clock(moved, metric, "elapsed"), "elapsed business time is kept");
            assertEquals(urgent, clock(moved, metric, "policy.id"));
            assertEquals(Instant.parse(createdAt), Instant.parse(clock(moved, metric, "startedAt")),
                    "still measured from the ticket's creation");
        }
        assertEquals("PT2H", clock(moved, "firstResponse", "target"));
        assertEquals("PT1H", clock(moved, "firstResponse", "remaining"));
        assertEquals("PT16H", clock(moved, "resolution", "target"));

        // Running again, the new policy's New York calendar (and its two holidays) sets the due and warning times.
        patch(api, id, Map.of("status", "open"));
        JsonPath running = sla(api, id);
        String from = runningSince(id, "resolution");
        assertEquals(due(api, cal, from, "PT15H"), Instant.parse(clock(running, "resolution", "dueAt")));
        assertEquals(due(api, cal, from, "PT11H"), Instant.parse(clock(running, "resolution", "warnAt")));
        assertEquals(due(api, cal, from, "PT1H"), Instant.parse(clock(running, "firstResponse", "dueAt")));
        assertEquals(1, Db.count("""
                SELECT count(*) FROM ticket_sla_clock WHERE ticket_id = ?::uuid AND metric = 'resolution'
                   AND next_event_at = warn_at
                """, id), "the pending warning is re-scheduled for the new target");

        // No policy for low: the clocks are cancelled and the view names none.
        patch(api, id, Map.of("priority", "low"));
        JsonPath none = sla(api, id);
        assertNull(none.get("policy"));
        assertEquals("cancelled", clock(none, "resolution", "state"));
        assertEquals("cancelled", clock(none, "firstResponse", "state"));
        // Back to urgent: still owed, so both start again, measured from the ticket's creation.
        patch(api, id, Map.of("priority", "urgent"));
        JsonPath back = sla(api, id);
        assertEquals(urgent, back.getString("policy.id"));
        assertEquals("running", clock(back, "resolution", "state"));
        assertEquals("2", clock(back, "resolution", "cycle"));
        assertEquals(Instant.parse(createdAt), Instant.parse(clock(back, "resolution", "startedAt")));
        assertEquals("running", clock(back, "firstResponse", "state"));
        // A change that leaves the same policy in force changes nothing.
        String since = back.getString("policy.since");
        patch(api, id, Map.of("type", "inquiry"));
        assertEquals(since, sla(api, id).getString("policy.since"));
        assertEquals(0, Db.count("SELECT count(*) FROM ticket_sla_result WHERE ticket_id = ?::uuid", id));
    }

    @Test
    void aBreachIsAnnouncedOnceAcrossAPolicyChangeAndAShorterTargetBreachesUnderTheNewPolicy() throws Exception {
        Api api = Api.freshTenant();
        policy(api, "normal", Map.of("firstResponse", "PT1H", "resolution", "PT8H"), Map.of());
        String high = policy(api, "high", Map.of("firstResponse", "PT4H", "resolution", "PT2H"), Map.of());
        String highName = api.call().get("/v1/sla/policies/" + high).then().extract().path("name");
        String id = ticket(api, "normal");
        try (KafkaConsumer<String, String> consumer = SurveyTest.consumer("clientele.tickets")) {
            TicketSlaTest.overdue(id, "firstResponse");
            await().atMost(Duration.ofSeconds(20)).until(() -> "breached".equals(clock(sla(api, id), "firstResponse",
                    "state")));
            String breachedAt = clock(sla(api, id), "firstResponse", "breachedAt");
            // Three hours of the resolution target are used up; the new policy allows two.
            Db.execute("UPDATE ticket_sla_clock SET used_seconds = 10800, running_since = now() "
                    + "WHERE ticket_id = ?::uuid AND metric = 'resolution'", id);

            patch(api, id, Map.of("priority", "high"));
            JsonPath moved = sla(api, id);
            assertEquals("breached", clock(moved, "firstResponse", "state"));
            assertEquals(breachedAt, clock(moved, "firstResponse", "breachedAt"), "the breach stays as it was");
            assertEquals("PT4H", clock(moved, "firstResponse", "target"));
            await().atMost(Duration.ofSeconds(20)).until(() -> "breached".equals(clock(sla(api, id), "resolution",
                    "state")));

            List<JsonNode> breaches = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && breaches.size() < 2) {
                SurveyTest.drain(consumer, api.tenant()).stream()
                        .filter(e -> e.get("type").asText().equals("ticket.sla_breached")).forEach(breaches::add);
            }
            Thread.sleep(1500); // a second announcement would arrive here
            SurveyTest.drain(consumer, api.tenant()).stream()
                    .filter(e -> e.get("type").asText().equals("ticket.sla_breached")).forEach(breaches::add);
            assertEquals(List.of("firstResponse", "resolution"),
                    breaches.stream().map(e -> e.at("/data/metric").asText()).toList());
            assertEquals(highName, breaches.get(1).at("/data/policy/name").asText());
        }
        assertEquals(2, Db.count("SELECT count(*) FROM ticket_sla_result WHERE ticket_id = ?::uuid AND NOT met", id));
        // The late reply does not turn the breached first response into a met one.
        message(api, id, "outbound");
        assertEquals("breached", clock(sla(api, id), "firstResponse", "state"));
    }

    @Test
    void reopeningRestartsResolutionWithoutTheSolvedTimeAndACustomerMessageRestartsNextResponse() {
        Api api = Api.freshTenant();
        policy(api, "high", Map.of("firstResponse", "PT1H", "nextResponse", "PT2H", "resolution", "PT8H"), Map.of());
        String id = ticket(api, "high");
        patch(api, id, Map.of("status", "open"));
        message(api, id, "outbound");
        patch(api, id, Map.of("status", "pending"));
        Db.execute("UPDATE ticket_sla_clock SET used_seconds = 7200 WHERE ticket_id = ?::uuid AND metric = 'resolution'",
                id);
        patch(api, id, Map.of("status", "open"));
        patch(api, id, Map.of("status", "solved"));
        assertEquals("met", clock(sla(api, id), "resolution", "state"));
        // The ticket stayed solved for two days before the customer wrote back.
        Db.execute("""
                UPDATE ticket_sla_clock SET stopped_at = stopped_at - interval '2 days'
                 WHERE ticket_id = ?::uuid AND metric = 'resolution'
                """, id);

        message(api, id, "inbound");
        api.call().get("/v1/tickets/" + id).then().body("status", equalTo("open")).body("solvedAt", nullValue());
        JsonPath reopened = sla(api, id);
        assertEquals("running", clock(reopened, "resolution", "state"));
        assertEquals("2", clock(reopened, "resolution", "cycle"));
        Duration elapsed = Duration.parse(clock(reopened, "resolution", "elapsed"));
        assertTrue(elapsed.compareTo(Duration.ofHours(2)) >= 0 && elapsed.compareTo(Duration.ofHours(2).plusMinutes(5)) < 0,
                "the business time before the solve is kept, the two solved days are not counted: " + elapsed);
        assertEquals("running", clock(reopened, "nextResponse", "state"));

        message(api, id, "outbound");
        patch(api, id, Map.of("status", "solved"));
        assertEquals(2, Db.count("""
                SELECT count(*) FROM ticket_sla_result WHERE ticket_id = ?::uuid AND metric = 'resolution' AND met
                """, id), "each resolution cycle is decided once");
        // Reopened by hand, without a customer message: resolution runs again, next response does not start.
        patch(api, id, Map.of("status", "open"));
        JsonPath manual = sla(api, id);
        assertEquals("running", clock(manual, "resolution", "state"));
        assertEquals("3", clock(manual, "resolution", "cycle"));
        assertEquals("met", clock(manual, "nextResponse", "state"));
    }
}
