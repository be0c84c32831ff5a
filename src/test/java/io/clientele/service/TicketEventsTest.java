package io.clientele.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Ticket changes reach clientele.tickets in order through the outbox, and every TicketListener hears them. */
@QuarkusTest
@WithTestResource(InfraResource.class)
class TicketEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void ticketEventsAreOrderedPerTicketAndListenersAreCalled() throws Exception {
        Api api = Api.freshTenant();
        String team = AssignmentTest.team(api, "Events", "eve");
        AssignmentTest.rule(api, Map.of("name", "all", "teamId", team));
        try (KafkaConsumer<String, String> consumer = IntakeKafkaTest.consumer("clientele.tickets")) {
            String id = api.call().body(Map.of("subject", "Evented", "message", Map.of("direction", "inbound",
                    "body", "hi"))).post("/v1/tickets").then().statusCode(201).extract().path("id");
            TicketApiTest.patchStatus(api, id, "solved");
            api.call().body(Map.of("direction", "inbound", "body", "not solved!")).post("/v1/tickets/" + id + "/messages")
                    .then().statusCode(201);

            List<JsonNode> events = new ArrayList<>();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (id.equals(r.key())) {
                        try {
                            events.add(JSON.readTree(r.value()));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
                return events.size() >= 7;
            });
            List<String> types = events.stream().map(e -> e.get("type").asText()
                    + (e.at("/data/to").isMissingNode() ? "" : ":" + e.at("/data/to").asText())).toList();
            assertEquals(List.of("ticket.created", "ticket.message_added", "ticket.assigned", "ticket.status_changed:open",
                    "ticket.status_changed:solved", "ticket.message_added", "ticket.status_changed:open"), types);
            assertEquals("/tenants/" + api.tenant() + "/tickets", events.get(0).get("source").asText());
            assertEquals("eve", events.get(2).at("/data/ticket/assigneeId").asText());
            assertEquals("rule", events.get(2).at("/data/assignment/method").asText());
            assertEquals(List.of("created new", "message inbound", "assigned eve", "status new->open",
                    "status open->solved", "message inbound", "status solved->open"), RecordingTicketListener.of(id));
        }
    }
}
