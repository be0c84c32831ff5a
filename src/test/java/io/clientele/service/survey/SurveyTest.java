package io.clientele.service.survey;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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

/** CSAT surveys: the public link works once, without login, and every forged, expired or reused link fails. */
@QuarkusTest
@WithTestResource(InfraResource.class)
public class SurveyTest {

    private static final String P = "https://clientele.io/problems/";
    private static final String KEY = "test-only-survey-signing-key-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A ticket row as the tickets module writes it; surveys only need its id, assignee and team. */
    static String ticket(Api api, String assignee, UUID team) {
        UUID id = UUID.randomUUID();
        Db.execute("""
                INSERT INTO ticket (id, tenant_id, type, channel, priority, status, subject, assignee_id, team_id,
                                    version, created_at, updated_at)
                VALUES (?, ?, 'inquiry', 'web', 'normal', 'solved', 'Printer broken', ?, ?, 0, now(), now())
                """, id, api.tenant(), assignee, team);
        return id.toString();
    }

    static String token(String link) {
        return link.substring(link.lastIndexOf('/') + 1);
    }

    private static String survey(Api api, String ticket) {
        return api.call().body(Map.of("ticketId", ticket)).post("/v1/surveys").then().statusCode(201)
                .body("state", equalTo("open")).body("link", startsWith("http://localhost:8080/v1/public/surveys/"))
                .extract().path("link");
    }

    private static io.restassured.response.ValidatableResponse answer(String token, Object body) {
        return Api.anonymous().contentType("application/json").body(body)
                .post("/v1/public/surveys/" + token + "/answer").then();
    }

    @Test
    void aCustomerAnswersOnceWithoutLoggingIn() throws Exception {
        Api api = Api.freshTenant();
        String ticket = ticket(api, "agent-ann", null);
        String link = survey(api, ticket);
        String token = token(link);
        api.call().body(Map.of("ticketId", ticket)).post("/v1/surveys").then().statusCode(409);

        try (KafkaConsumer<String, String> consumer = consumer()) {
            Api.anonymous().get("/v1/public/surveys/" + token).then().statusCode(200).body("state", equalTo("open"));
            answer(token, Map.of("rating", 0)).statusCode(422).body("errors[0].pointer", equalTo("/rating"));
            answer(token, Map.of("rating", 5, "comment", "Quick and kind")).statusCode(200)
                    .body("state", equalTo("answered")).body("rating", equalTo(5));
            // Reused: the second answer is refused and changes nothing.
            answer(token, Map.of("rating", 1)).statusCode(409).body("type", equalTo(P + "survey-already-answered"));
            Api.anonymous().get("/v1/public/surveys/" + token).then().statusCode(200)
                    .body("state", equalTo("answered")).body("rating", equalTo(5));
            api.call().queryParam("filter", "ticketId==" + ticket).get("/v1/surveys").then().statusCode(200)
                    .body("items", hasSize(1)).body("items[0].rating", equalTo(5))
                    .body("items[0].agentId", equalTo("agent-ann")).body("items[0].link", nullValue());

            List<JsonNode> events = events(consumer, api.tenant(), 2);
            assertEquals("survey.created", events.get(0).get("type").asText());
            assertEquals(link, events.get(0).at("/data/link").asText());
            assertEquals("survey.answered", events.get(1).get("type").asText());
            assertEquals(5, events.get(1).at("/data/rating").asInt());
            assertEquals("survey-link", events.get(1).get("actor").asText());
        }
    }

    @Test
    void tamperedForgedAndUnknownLinksAreRefused() {
        Api api = Api.freshTenant();
        String token = token(survey(api, ticket(api, "agent-bob", null)));
        char[] chars = token.toCharArray();
        chars[5] = chars[5] == 'A' ? 'B' : 'A';
        String tampered = new String(chars);
        answer(tampered, Map.of("rating", 4)).statusCode(404).body("type", equalTo(P + "survey-link-invalid"));
        answer("not-a-token", Map.of("rating", 4)).statusCode(404).body("type", equalTo(P + "survey-link-invalid"));
        Api.anonymous().get("/v1/public/surveys/" + tampered).then().statusCode(404);
        // Signed with another key: the right shape, the wrong signature.
        String forged = new SurveyTokens("someone-elses-key-that-is-long-enough-000").issue(
                UUID.fromString(Db.strings("SELECT CAST(id AS text) FROM csat_survey WHERE tenant_id = ?",
                        api.tenant()).get(0)), Instant.now().plus(Duration.ofDays(1)));
        answer(forged, Map.of("rating", 4)).statusCode(404);
        // Genuine signature, survey that does not exist.
        answer(new SurveyTokens(KEY).issue(UUID.randomUUID(), Instant.now().plus(Duration.ofDays(1))),
                Map.of("rating", 4)).statusCode(404);
        assertEquals(0, Db.count("SELECT count(*) FROM csat_survey WHERE tenant_id = ? AND answered_at IS NOT NULL",
                api.tenant()));
        // The real link still works.
        answer(token, Map.of("rating", 4)).statusCode(200);
    }

    @Test
    void expiredLinksAreRefused() {
        Api api = Api.freshTenant();
        String token = token(survey(api, ticket(api, "agent-cy", null)));
        String id = Db.strings("SELECT CAST(id AS text) FROM csat_survey WHERE tenant_id = ?", api.tenant()).get(0);
        // A link whose own expiry has passed.
        answer(new SurveyTokens(KEY).issue(UUID.fromString(id), Instant.now().minusSeconds(1)), Map.of("rating", 3))
                .statusCode(410).body("type", equalTo(P + "survey-link-expired"));
        // The survey expired in the database (the link's claim is not the only check).
        Db.execute("UPDATE csat_survey SET expires_at = now() - interval '1 minute' WHERE id = ?::uuid", id);
        answer(token, Map.of("rating", 3)).statusCode(410).body("type", equalTo(P + "survey-link-expired"));
        Api.anonymous().get("/v1/public/surveys/" + token).then().statusCode(200).body("state", equalTo("expired"));
        assertEquals(0, Db.count("SELECT count(*) FROM csat_survey WHERE id = ?::uuid AND answered_at IS NOT NULL", id));
    }

    @Test
    void concurrentAnswersRecordExactlyOne() throws Exception {
        Api api = Api.freshTenant();
        String token = token(survey(api, ticket(api, "agent-dee", null)));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int rating = 1 + i % 5;
                calls.add(() -> Api.anonymous().contentType("application/json").body(Map.of("rating", rating))
                        .post("/v1/public/surveys/" + token + "/answer").statusCode());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(calls)) {
                statuses.add(f.get());
            }
            assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
            assertEquals(7, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void csatIsReportedPerAgentTeamAndPeriod() {
        Api api = Api.freshTenant();
        UUID teamA = UUID.randomUUID();
        int[] ann = { 5, 4, 2 };
        int[] bob = { 5, 5 };
        for (int r : ann) {
            answer(token(survey(api, ticket(api, "ann", teamA))), Map.of("rating", r)).statusCode(200);
        }
        for (int r : bob) {
            answer(token(survey(api, ticket(api, "bob", teamA))), Map.of("rating", r)).statusCode(200);
        }
        // One answered in the previous month, in Shanghai time: 2026-01-31 20:00 UTC is 1 February there.
        String old = Db.strings("SELECT CAST(id AS text) FROM csat_survey WHERE tenant_id = ? AND agent_id = 'bob' LIMIT 1",
                api.tenant()).get(0);
        Db.execute("UPDATE csat_survey SET answered_at = '2026-01-31T20:00:00Z' WHERE id = ?::uuid", old);
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();

        api.call().queryParam("from", "2026-01-01").queryParam("to", today).queryParam("groupBy", "agent")
                .queryParam("period", "month").queryParam("timeZone", "UTC").get("/v1/reports/csat").then()
                .statusCode(200)
                .body("items.find { it.agentId == 'ann' }.responses", equalTo(3))
                .body("items.find { it.agentId == 'ann' }.satisfied", equalTo(2))
                .body("items.find { it.agentId == 'ann' }.csat", equalTo(66.7f))
                .body("items.find { it.agentId == 'ann' }.averageRating", equalTo(3.67f))
                .body("items.find { it.agentId == 'bob' && it.periodStart == '2026-01-01' }.responses", equalTo(1));
        api.call().queryParam("from", "2026-02-01").queryParam("to", "2026-02-28").queryParam("groupBy", "team")
                .queryParam("timeZone", "Asia/Shanghai").get("/v1/reports/csat").then().statusCode(200)
                .body("items", hasSize(1)).body("items[0].teamId", equalTo(teamA.toString()))
                .body("items[0].periodStart", equalTo("2026-02-01")).body("items[0].csat", equalTo(100.0f));
        api.call().queryParam("from", "2026-02-01").queryParam("to", "2026-01-01").get("/v1/reports/csat").then()
                .statusCode(400);
        api.call().queryParam("from", "2026-01-01").queryParam("to", today).queryParam("groupBy", "customer")
                .get("/v1/reports/csat").then().statusCode(400);
        Api.freshTenant("agent").call().queryParam("from", "2026-01-01").queryParam("to", today)
                .get("/v1/reports/csat").then().statusCode(403);
    }

    static KafkaConsumer<String, String> consumer() {
        return consumer("clientele.surveys");
    }

    public static KafkaConsumer<String, String> consumer(String topic) {
        java.util.Properties p = new java.util.Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, InfraResource.kafka().bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /** One poll's worth of the tenant's events. */
    public static List<JsonNode> drain(KafkaConsumer<String, String> consumer, String tenant) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
            JsonNode ce = JSON.readTree(r.value());
            if (tenant.equals(ce.get("tenantid").asText())) {
                out.add(ce);
            }
        }
        return out;
    }

    public static List<JsonNode> events(KafkaConsumer<String, String> consumer, String tenant, int expected)
            throws Exception {
        List<JsonNode> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (out.size() < expected && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                JsonNode ce = JSON.readTree(r.value());
                if (tenant.equals(ce.get("tenantid").asText())) {
                    out.add(ce);
                }
            }
        }
        assertEquals(expected, out.size(), "events for tenant " + tenant);
        return out;
    }
}
