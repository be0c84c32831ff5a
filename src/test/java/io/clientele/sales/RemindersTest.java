package io.clientele.sales;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.sales.reminders.Reminders;
import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Due, overdue and stale reminders reach Kafka exactly once, however many scanners run at the same time. */
@QuarkusTest
@WithTestResource(InfraResource.class)
class RemindersTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Reminders reminders;

    @Test
    void concurrentScannersEmitEachReminderExactlyOnce() throws Exception {
        Api api = Api.freshTenant();
        String customer = Sales.customer(api, "Wayne");
        Map<String, Object> pipeline = Sales.pipeline(api, "P");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String overdue = task(api, customer, now.minus(Duration.ofHours(2)));
        String due = task(api, customer, now.minus(Duration.ofMinutes(10)));
        task(api, customer, now.plus(Duration.ofDays(1)));
        String done = task(api, customer, now.minus(Duration.ofHours(3)));
        api.call().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body(Map.of("status", "done")).patch("/v1/activities/" + done).then().statusCode(200);
        String stale = Sales.opportunity(api, customer, pipeline, "10");
        String fresh = Sales.opportunity(api, customer, pipeline, "20");
        String quiet = Sales.opportunity(api, customer, pipeline, "30");
        // Lead goes stale after 7 days: two of them entered it 8 days ago, one of those had a call yesterday.
        Db.execute("UPDATE opportunity SET stage_entered_at = now() - interval '8 days' WHERE id IN (?::uuid, ?::uuid)",
                stale, quiet);
        api.call().body(Map.of("type", "call", "opportunityId", quiet, "subject", "check-in",
                "occurredAt", now.minus(Duration.ofDays(1)).toString())).post("/v1/activities").then().statusCode(201);

        try (KafkaConsumer<String, String> consumer = consumer()) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                for (int round = 0; round < 2; round++) {
                    List<Callable<Integer>> scans = new ArrayList<>();
                    for (int i = 0; i < 4; i++) {
                        scans.add(() -> reminders.runOnce().await().atMost(Duration.ofSeconds(30)));
                    }
                    for (Future<Integer> f : pool.invokeAll(scans)) {
                        f.get();
                    }
                }
            } finally {
                pool.shutdown();
            }
            Map<String, List<String>> byType = collect(consumer, api.tenant(), 4);
            assertEquals(Map.of("opportunity.stale", List.of(stale), "task.due", sorted(overdue, due),
                    "task.overdue", List.of(overdue)), byType);
        }
        assertEquals(0, Db.count("SELECT count(*) FROM opportunity WHERE id = ?::uuid AND stale_notified_for IS NOT NULL",
                fresh));
    }

    private static List<String> sorted(String... ids) {
        List<String> list = new ArrayList<>(List.of(ids));
        list.sort(null);
        return list;
    }

    private static String task(Api api, String customer, Instant dueAt) {
        return api.call().body(Map.of("type", "task", "customerId", customer, "subject", "follow up",
                "dueAt", dueAt.toString())).post("/v1/activities").then().statusCode(201).extract().path("id");
    }

    static KafkaConsumer<String, String> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, InfraResource.kafka().bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
        consumer.subscribe(List.of("clientele.sales"));
        return consumer;
    }

    /** Reminder events of the tenant by type (subjects sorted); polls on briefly so duplicates would show. */
    private static Map<String, List<String>> collect(KafkaConsumer<String, String> consumer, String tenant,
            int expected) throws Exception {
        Map<String, List<String>> out = new TreeMap<>();
        int seen = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long grace = Long.MAX_VALUE;
        while (System.nanoTime() < Math.min(deadline, grace)) {
            for (var r : consumer.poll(Duration.ofMillis(200))) {
                JsonNode ce = JSON.readTree(r.value());
                String type = ce.get("type").asText();
                if (tenant.equals(ce.get("tenantid").asText()) && (type.startsWith("task.")
                        || type.equals("opportunity.stale"))) {
                    out.computeIfAbsent(type, k -> new ArrayList<>()).add(ce.get("subject").asText());
                    seen++;
                }
            }
            if (seen >= expected && grace == Long.MAX_VALUE) {
                grace = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            }
        }
        out.values().forEach(l -> l.sort(null));
        return out;
    }
}
