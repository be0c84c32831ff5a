package io.clientele.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Every change reaches Kafka as a CloudEvent, keyed by the record, in order, through the outbox. */
@QuarkusTest
@WithTestResource(InfraResource.class)
class EventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void createUpdateDeletePublishOrderedCloudEvents() throws Exception {
        Api api = Api.freshTenant();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            String id = api.call().header("X-Request-Id", "corr-1")
                    .body(Map.of("kind", "person", "firstName", "Eve", "emails", List.of(Map.of("address", "eve@example.com"))))
                    .post("/v1/customers").then().statusCode(201).extract().path("id");
            for (int v = 0; v < 5; v++) {
                api.call().header("If-Match", "\"" + v + "\"").contentType("application/merge-patch+json")
                        .body(Map.of("lastName", "N" + v)).patch("/v1/customers/" + id).then().statusCode(200);
            }
            api.call().header("If-Match", "\"5\"").delete("/v1/customers/" + id).then().statusCode(204);

            List<ConsumerRecord<String, String>> mine = poll(consumer, id, 7);
            List<String> types = new ArrayList<>();
            long lastSequence = -1;
            for (ConsumerRecord<String, String> record : mine) {
                assertEquals(id, record.key());
                assertEquals("application/cloudevents+json; charset=UTF-8",
                        new String(record.headers().lastHeader("content-type").value()));
                JsonNode ce = JSON.readTree(record.value());
                assertEquals("1.0", ce.get("specversion").asText());
                assertEquals(id, ce.get("subject").asText());
                assertEquals(api.tenant(), ce.get("tenantid").asText());
                assertEquals("/tenants/" + api.tenant() + "/customers", ce.get("source").asText());
                assertEquals(api.subject(), ce.get("actor").asText());
                UUID.fromString(ce.get("id").asText());
                long sequence = Long.parseLong(ce.get("sequence").asText());
                assertTrue(sequence > lastSequence, "sequence increases per record");
                lastSequence = sequence;
                types.add(ce.get("type").asText());
            }
            assertEquals(List.of("customer.created", "customer.updated", "customer.updated", "customer.updated",
                    "customer.updated", "customer.updated", "customer.deleted"), types);
            JsonNode created = JSON.readTree(mine.get(0).value());
            assertEquals("corr-1", created.get("correlationid").asText());
            assertEquals("eve@example.com", created.at("/data/customer/emails/0/address").asText());
            JsonNode updated = JSON.readTree(mine.get(5).value());
            assertEquals("N4", updated.at("/data/customer/lastName").asText());
            assertEquals("[\"lastName\"]", updated.at("/data/changedFields").toString());
            assertEquals(id, JSON.readTree(mine.get(6).value()).at("/data/id").asText());
        }
    }

    @Test
    void aBurstOfWritesIsPublishedExactlyOnceEach() throws Exception {
        Api api = Api.freshTenant();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                ids.add(api.call().body(Map.of("kind", "company", "name", "Burst " + i)).post("/v1/customers")
                        .then().statusCode(201).extract().<String>path("id"));
            }
            List<ConsumerRecord<String, String>> records = pollTenant(consumer, api.tenant(), 40);
            HashSet<String> eventIds = new HashSet<>();
            HashSet<String> keys = new HashSet<>();
            for (ConsumerRecord<String, String> r : records) {
                eventIds.add(JSON.readTree(r.value()).get("id").asText());
                keys.add(r.key());
            }
            assertEquals(40, eventIds.size());
            assertEquals(new HashSet<>(ids), keys);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                    () -> Db.count("SELECT count(*) FROM outbox_event WHERE tenant_id = ?", api.tenant()) == 0);
        }
    }

    @Test
    void eventsCommittedBeforeARestartAreStillPublished() throws Exception {
        // A row the relay has not published yet (as after a crash between commit and send) is
        // found by whichever relay polls next: publication depends on the table, not on memory.
        String tenant = "t-restart";
        String aggregate = UUID.randomUUID().toString();
        try (KafkaConsumer<String, String> consumer = consumer();
                var connection = Db.connect();
                var insert = connection.prepareStatement("""
                        INSERT INTO outbox_event (id, tenant_id, topic, aggregate_type, aggregate_id, event_type,
                                                  occurred_at, data)
                        VALUES (?, ?, 'clientele.customers', 'customers', ?, 'customer.deleted', now(),
                                CAST(? AS jsonb))
                        """)) {
            String eventId = UUID.randomUUID().toString();
            insert.setObject(1, UUID.fromString(eventId));
            insert.setString(2, tenant);
            insert.setString(3, aggregate);
            insert.setString(4, "{\"id\": \"" + aggregate + "\"}");
            insert.executeUpdate();
            List<ConsumerRecord<String, String>> records = poll(consumer, aggregate, 1);
            assertEquals(eventId, JSON.readTree(records.get(0).value()).get("id").asText());
        }
    }

    @Test
    void tagAssignmentsArePublishedWithTheCustomersThatChanged() throws Exception {
        Api api = Api.freshTenant();
        try (KafkaConsumer<String, String> consumer = consumer("clientele.tags")) {
            String customer = api.call().body(Map.of("kind", "company", "name", "Tagged")).post("/v1/customers")
                    .then().statusCode(201).extract().path("id");
            String tag = api.call().body(Map.of("name", "Gold")).post("/v1/tags").then().statusCode(201)
                    .extract().path("id");
            api.call().body(Map.of("customerIds", List.of(customer))).post("/v1/tags/" + tag + "/assignments")
                    .then().statusCode(200);
            // Already assigned: no second event.
            api.call().body(Map.of("customerIds", List.of(customer))).post("/v1/tags/" + tag + "/assignments")
                    .then().statusCode(200).body("changed", org.hamcrest.Matchers.equalTo(0));
            List<ConsumerRecord<String, String>> records = poll(consumer, tag, 2);
            assertEquals("tag.created", JSON.readTree(records.get(0).value()).get("type").asText());
            JsonNode assigned = JSON.readTree(records.get(1).value());
            assertEquals("tag.assigned", assigned.get("type").asText());
            assertEquals("[\"" + customer + "\"]", assigned.at("/data/customerIds").toString());
            assertEquals("/tenants/" + api.tenant() + "/tags", assigned.get("source").asText());
        }
    }

    @Test
    void aMergeEmitsOneCustomerMergedEventKeyedByTheSurvivor() throws Exception {
        Api api = Api.freshTenant();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            String survivor = api.call().body(Map.of("kind", "person", "lastName", "Survivor")).post("/v1/customers")
                    .then().statusCode(201).extract().path("id");
            String merged = api.call().body(Map.of("kind", "person", "lastName", "Merged", "externalId", "m-1"))
                    .post("/v1/customers").then().statusCode(201).extract().path("id");
            api.call().header("If-Match", "\"0\"").body(Map.of("mergeIds", List.of(merged)))
                    .post("/v1/customers/" + survivor + "/merge").then().statusCode(200);
            List<ConsumerRecord<String, String>> records = poll(consumer, survivor, 2);
            JsonNode event = JSON.readTree(records.get(1).value());
            assertEquals("customer.merged", event.get("type").asText());
            assertEquals("[\"" + merged + "\"]", event.at("/data/mergedIds").toString());
            assertEquals("m-1", event.at("/data/customer/externalId").asText());
            assertEquals("[\"externalId\"]", event.at("/data/changedFields").toString());
        }
    }

    static KafkaConsumer<String, String> consumer() {
        return consumer("clientele.customers");
    }

    static KafkaConsumer<String, String> consumer(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, InfraResource.kafka().bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static List<ConsumerRecord<String, String>> poll(KafkaConsumer<String, String> consumer, String key,
            int expected) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (out.size() < expected && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                if (key.equals(r.key())) {
                    out.add(r);
                }
            });
        }
        assertEquals(expected, out.size(), "events for " + key);
        return out;
    }

    private static List<ConsumerRecord<String, String>> pollTenant(KafkaConsumer<String, String> consumer,
            String tenant, int expected) throws Exception {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (out.size() < expected && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                if (tenant.equals(JSON.readTree(r.value()).get("tenantid").asText())) {
                    out.add(r);
                }
            }
        }
        // Keep polling briefly: a duplicate would show up as an extra record.
        long grace = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (System.nanoTime() < grace) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                if (tenant.equals(JSON.readTree(r.value()).get("tenantid").asText())) {
                    out.add(r);
                }
            }
        }
        assertEquals(expected, out.size(), "events for tenant " + tenant);
        return out;
    }
}
