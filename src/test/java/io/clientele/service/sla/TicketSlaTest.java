package io.clientele.service.sla;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.clientele.service.survey.SurveyTest;
import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

/** SLA clocks follow real tickets: pauses, replies, cycles, solve; due warnings and breaches are announced once. */
@QuarkusTest
@WithTestResource(InfraResource.class)
class TicketSlaTest {

    @Inject
    SlaScheduler scheduler;

    static String policy(Api api, Map<String, Object> extra) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", "P" + UUID.randomUUID(),
                "priorities", List.of("high"), "targets",
                Map.of("firstResponse", "PT1H", "nextResponse", "PT2H", "resolution", "PT8H")));
        body.putAll(extra);
        return api.call().body(body).post("/v1/sla/policies").then().statusCode(201).extract().path("id");
    }

    static String ticket(Api api, String priority) {
        return api.call().body(Map.of("subject", "Printer jams", "type", "complaint", "priority", priority,
                "channel", "web", "message", Map.of("direction", "inbound", "body", "It jams on every page")))
                .post("/v1/tickets").then().statusCode(201).extract().path("id");
    }

    private static void status(Api api, String id, String status) {
        String etag = api.call().get("/v1/tickets/" + id).then().extract().header("ETag");
        api.call().contentType("application/merge-patch+json").header("If-Match", etag)
                .body(Map.of("status", status)).patch("/v1/tickets/" + id).then().statusCode(200);
    }

    static void message(Api api, String id, String direction) {
        api.call().body(Map.of("direction", direction, "body", direction + " message"))
                .post("/v1/tickets/" + id + "/messages").then().statusCode(201);
    }

    private static String state(Api api, String id, String metric) {
        return api.call().get("/v1/tickets/" + id + "/sla").then().statusCode(200).extract()
                .path("clocks.find { it.metric == '" + metric + "' }.state");
    }

    /** Time passes: the clock's warning and breach are both due now. */
    static void overdue(String ticketId, String metric) {
        Db.execute("""
                UPDATE ticket_sla_clock SET warn_at = now() - interval '20 minutes', due_at = now() - interval '1 minute',
                       next_event_at = now() - interval '20 minutes'
                 WHERE ticket_id = ?::uuid AND metric = ?
                """, ticketId, metric);
    }

    @Test
    void clocksPauseWhileWaitingStopOnRepliesAndSolveAndFeedTheReport() {
        Api api = Api.freshTenant();
        String policyId = policy(api, Map.of());
        String id = ticket(api, "high");
        api.call().get("/v1/tickets/" + id + "/sla").then().statusCode(200)
                .body("policy.id", equalTo(policyId)).body("clocks.metric", containsInAnyOrder("firstResponse", "resolution"))
                .body("clocks.find { it.metric == 'firstResponse' }.state", equalTo("running"))
                .body("clocks.find { it.metric == 'firstResponse' }.target", equalTo("PT1H"))
                .body("clocks.find { it.metric == 'firstResponse' }.dueAt", notNullValue());
        // A ticket no policy matches has no clocks.
        String low = ticket(api, "low");
        api.call().get("/v1/tickets/" + low + "/sla").then().statusCode(200).body("clocks", hasSize(0));

        status(api, id, "open");
        status(api, id, "pending");
        assertEquals("paused", state(api, id, "firstResponse"));
        api.call().get("/v1/tickets/" + id + "/sla").then()
                .body("clocks.find { it.metric == 'resolution' }.dueAt", nullValue());
        // The customer writes back: the ticket reopens and the clocks run again.
        message(api, id, "inbound");
        assertEquals("running", state(api, id, "firstResponse"));
        message(api, id, "outbound");
        assertEquals("met", state(api, id, "firstResponse"));
        // A later customer message opens a next-response cycle; the reply meets it.
        message(api, id, "inbound");
        assertEquals("running", state(api, id, "nextResponse"));
        message(api, id, "note");
        assertEquals("running", state(api, id, "nextResponse"));
        message(api, id, "outbound");
        assertEquals("met", state(api, id, "nextResponse"));
        status(api, id, "solved");
        assertEquals("met", state(api, id, "resolution"));

        // Solving sent the CSAT survey, for the assignee and team at that moment.
        api.call().queryParam("filter", "ticketId==" + id).get("/v1/surveys").then().statusCode(200)
                .body("items", hasSize(1)).body("items[0].state", equalTo("open"));

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        api.call().queryParam("from", today).queryParam("to", today).queryParam("groupBy", "policy")
                .get("/v1/reports/sla").then().statusCode(200).body("items", hasSize(3))
                .body("items.policyId", containsInAnyOrder(policyId, policyId, policyId))
                .body("items.find { it.metric == 'resolution' }.met", equalTo(1))
                .body("items.find { it.metric == 'resolution' }.metPercent", equalTo(100.0f));
    }

    @Test
    void dueWarningsAndBreachesAreAnnouncedOnceAndEscalate() throws Exception {
        Api api = Api.freshTenant();
        UUID team = UUID.randomUUID();
        policy(api, Map.of("escalation", List.of(
                Map.of("on", "warning", "metric", "firstResponse", "action", "notify", "recipients", List.of("duty")),
                Map.of("on", "breach", "metric", "firstResponse", "action", "raise_priority"),
                Map.of("on", "breach", "metric", "firstResponse", "action", "reassign", "teamId", team.toString()))));
        String id = ticket(api, "high");
        try (KafkaConsumer<String, String> consumer = SurveyTest.consumer("clientele.tickets")) {
            // Time passes: the first-response target is now overdue (warning and breach both due).
            overdue(id, "firstResponse");
            // Four "replicas" race for the same due clock, besides the scheduler's own ticks.
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Callable<Integer>> runs = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    runs.add(() -> {
                        try {
                            return VertxContextSupport.subscribeAndAwait(() -> scheduler.runOnce());
                        } catch (Throwable e) {
                            throw new IllegalStateException(e);
                        }
                    });
                }
                for (Future<Integer> f : pool.invokeAll(runs)) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "breached".equals(state(api, id, "firstResponse")));
            api.call().get("/v1/tickets/" + id).then().statusCode(200).body("priority", equalTo("urgent"))
                    .body("teamId", equalTo(team.toString())).body("assignment.method", equalTo("sla_escalation"));

            List<JsonNode> events;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            List<String> sla = new ArrayList<>();
            while (System.nanoTime() < deadline && sla.size() < 5) {
                events = SurveyTest.drain(consumer, api.tenant());
                events.stream().map(e -> e.get("type").asText()).filter(t -> t.startsWith("ticket.sla_")).forEach(sla::add);
            }
            // Grace period: a second announcement would show up here.
            Thread.sleep(1500);
            SurveyTest.drain(consumer, api.tenant()).stream().map(e -> e.get("type").asText())
                    .filter(t -> t.startsWith("ticket.sla_")).forEach(sla::add);
            assertEquals(List.of("ticket.sla_warning", "ticket.sla_escalated", "ticket.sla_breached",
                    "ticket.sla_escalated", "ticket.sla_escalated"), sla);
        }
        assertEquals(1, Db.count("SELECT count(*) FROM ticket_sla_result WHERE ticket_id = ?::uuid AND NOT met", id));
        // The reply after the breach does not turn it into a met target.
        message(api, id, "outbound");
        assertEquals("breached", state(api, id, "firstResponse"));
        assertEquals(0, Db.count("SELECT count(*) FROM ticket_sla_result WHERE ticket_id = ?::uuid AND met", id));
    }

    @Test
    void aClockOnACalendarIsDueWhereTheCalendarSays() {
        Api api = Api.freshTenant();
        String cal = SlaSettingsTest.calendar(api, "Berlin", "Europe/Berlin", SlaSettingsTest.officeWeek(),
                List.of(Map.of("date", LocalDate.now(ZoneOffset.UTC).plusDays(1).toString())));
        policy(api, Map.of("calendarId", cal));
        String id = ticket(api, "high");
        String createdAt = api.call().get("/v1/tickets/" + id).then().extract().path("createdAt");
        String dueAt = api.call().get("/v1/tickets/" + id + "/sla").then().statusCode(200).extract()
                .path("clocks.find { it.metric == 'resolution' }.dueAt");
        api.call().queryParam("from", createdAt).queryParam("add", "PT8H")
                .get("/v1/sla/calendars/" + cal + "/business-time").then().statusCode(200)
                .body("dueAt", equalTo(dueAt));
    }
}
