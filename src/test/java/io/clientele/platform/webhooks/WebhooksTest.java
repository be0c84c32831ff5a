package io.clientele.platform.webhooks;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.platform.outbox.OutboxTap;
import io.clientele.platform.webhooks.WebhookReceiver.Behaviour;
import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Webhooks end to end: real PostgreSQL, Kafka (the outbox relay feeds the fan-out) and a real local HTTP receiver
 * that fails, times out and recovers. The test profile allows plain http to 127.0.0.1 and retries within seconds
 * (application.properties, %test.clientele.webhooks.*).
 */
@QuarkusTest
@WithTestResource(InfraResource.class)
class WebhooksTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static WebhookReceiver receiver;

    @Inject
    WebhookFanOut fanOut;

    @Inject
    Pool pool;

    @BeforeAll
    static void startReceiver() throws Exception {
        receiver = new WebhookReceiver();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    private static String path() {
        return "/hook/" + UUID.randomUUID();
    }

    private static Response subscribe(Api api, Map<String, Object> body) {
        Response created = api.call().body(body).post("/v1/webhooks");
        created.then().statusCode(201).body("secret", startsWith("whsec_")).body("status", equalTo("active"));
        return created;
    }

    private static String customer(Api api, String name) {
        return api.call().body(Map.of("kind", "company", "name", name)).post("/v1/customers").then().statusCode(201)
                .extract().path("id");
    }

    private static JsonNode json(String body) throws Exception {
        return JSON.readTree(body);
    }

    @Test
    void deliversSignedCloudEventsAndLogsEachAttempt() throws Exception {
        Api api = Api.freshTenant();
        String path = path();
        Response sub = subscribe(api, Map.of("url", receiver.url(path), "eventTypes", List.of("customer.*")));
        receiver.verifyWith(path, List.of((String) sub.path("secret")));
        String customerId = customer(api, "Signed Ltd");

        await().atMost(WAIT).until(() -> receiver.accepted(path).size() == 1);
        WebhookReceiver.Received got = receiver.accepted(path).get(0);
        JsonNode event = json(got.body());
        assertEquals("customer.created", event.get("type").asText());
        assertEquals(customerId, event.get("subject").asText());
        assertEquals(api.tenant(), event.get("tenantid").asText());
        assertEquals(event.get("id").asText(), got.header("webhook-id"));
        assertEquals("application/json", got.header("content-type"));
        assertEquals(WebhookSignatures.Verdict.VALID, got.verdict());

        String subId = sub.path("id");
        await().atMost(WAIT).until(() -> "succeeded".equals(api.call().get("/v1/webhooks/" + subId + "/deliveries")
                .then().statusCode(200).extract().path("items[0].status")));
        Response log = api.call().get("/v1/webhooks/" + subId + "/deliveries");
        log.then().body("items.size()", equalTo(1)).body("items[0].attempts", equalTo(1))
                .body("items[0].eventId", equalTo(event.get("id").asText()));
        String deliveryId = log.path("items[0].id");
        api.call().get("/v1/webhooks/" + subId + "/deliveries/" + deliveryId).then().statusCode(200)
                .body("payload", equalTo(got.body()))
                .body("attemptLog.size()", equalTo(1)).body("attemptLog[0].statusCode", equalTo(204));

        // A captured request replayed as is: the id was seen, so the receiver acknowledges and ignores it.
        HttpResponse<String> replay = post(receiver.url(path), got);
        assertEquals(200, replay.statusCode());
        assertEquals(WebhookSignatures.Verdict.REPLAYED, receiver.received(path).get(1).verdict());
        assertEquals(1, receiver.accepted(path).size());
        // The same capture replayed later than the tolerance is refused on its timestamp, id store or not.
        assertEquals(WebhookSignatures.Verdict.TIMESTAMP_OUT_OF_TOLERANCE,
                WebhookSignatures.verify(List.of((String) sub.path("secret")), got.header("webhook-id"),
                        got.header("webhook-timestamp"), got.header("webhook-signature"), got.body(),
                        Instant.now().plus(Duration.ofMinutes(6)), WebhookSignatures.DEFAULT_TOLERANCE,
                        id -> true));
        // A forged body under the captured signature is refused.
        assertEquals(WebhookSignatures.Verdict.BAD_SIGNATURE,
                WebhookSignatures.verify(List.of((String) sub.path("secret")), got.header("webhook-id"),
                        got.header("webhook-timestamp"), got.header("webhook-signature"),
                        got.body().replace("Signed Ltd", "Forged Ltd"), Instant.now(),
                        WebhookSignatures.DEFAULT_TOLERANCE, id -> true));

        // Manual redelivery: same webhook-id, new timestamp and signature; the receiver dedupes it.
        api.call().post("/v1/webhooks/" + subId + "/deliveries/" + deliveryId + "/redeliveries").then()
                .statusCode(202).body("status", equalTo("pending"));
        await().atMost(WAIT).until(() -> receiver.received(path).size() == 3);
        WebhookReceiver.Received again = receiver.received(path).get(2);
        assertEquals(got.header("webhook-id"), again.header("webhook-id"));
        assertEquals(WebhookSignatures.Verdict.REPLAYED, again.verdict());
        await().atMost(WAIT).until(() -> Integer.valueOf(2).equals(api.call()
                .get("/v1/webhooks/" + subId + "/deliveries/" + deliveryId).then().extract().path("attempts")));
    }

    @Test
    void aReceiverThatFailsAndTimesOutGetsTheEventOnceItRecovers() throws Exception {
        Api api = Api.freshTenant();
        String path = path();
        receiver.script(path, Behaviour.FAIL_500, Behaviour.HANG, Behaviour.FAIL_503);
        String subId = subscribe(api, Map.of("url", receiver.url(path), "eventTypes", List.of("customer.created")))
                .path("id");
        customer(api, "Flaky Receiver GmbH");

        await().atMost(WAIT).until(() -> receiver.accepted(path).size() == 1);
        await().atMost(WAIT).until(() -> "succeeded".equals(api.call().get("/v1/webhooks/" + subId + "/deliveries")
                .then().extract().path("items[0].status")));
        String deliveryId = api.call().get("/v1/webhooks/" + subId + "/deliveries").path("items[0].id");
        Response detail = api.call().get("/v1/webhooks/" + subId + "/deliveries/" + deliveryId);
        detail.then().statusCode(200).body("attempts", equalTo(4));
        List<Integer> codes = detail.path("attemptLog.statusCode");
        assertEquals(500, codes.get(0));
        assertEquals(null, codes.get(1));
        assertTrue(((String) detail.path("attemptLog[1].error")).contains("no response"),
                "timeout recorded: " + detail.path("attemptLog[1].error"));
        assertEquals(503, codes.get(2));
        assertEquals(204, codes.get(3));
        // Every attempt carried the same id, so a receiver can dedupe retries.
        Set<String> ids = new HashSet<>();
        receiver.received(path).forEach(r -> ids.add(r.header("webhook-id")));
        assertEquals(1, ids.size());
    }

    @Test
    void aFilterOnThePayloadSelectsEvents() throws Exception {
        Api api = Api.freshTenant();
        String path = path();
        String subId = subscribe(api, Map.of("url", receiver.url(path), "eventTypes", List.of("customer.created"),
                "filter", "data.customer.kind==company;data.customer.displayName=like=*wanted*")).path("id");
        api.call().body(Map.of("kind", "person", "firstName", "Wanted", "lastName", "Person"))
                .post("/v1/customers").then().statusCode(201);
        customer(api, "Other Corp");
        String wanted = customer(api, "The Wanted Company");

        await().atMost(WAIT).until(() -> receiver.accepted(path).size() == 1);
        assertEquals(wanted, json(receiver.accepted(path).get(0).body()).get("subject").asText());
        // Later events were fanned out after the earlier ones: had those matched, they would be logged by now.
        api.call().get("/v1/webhooks/" + subId + "/deliveries").then().body("items.size()", equalTo(1));
    }

    @Test
    void anOrderedSubscriptionHoldsLaterEventsBackUntilTheFirstIsDelivered() throws Exception {
        Api api = Api.freshTenant();
        String path = path();
        receiver.script(path, Behaviour.FAIL_500, Behaviour.FAIL_503, Behaviour.FAIL_500);
        subscribe(api, Map.of("url", receiver.url(path), "eventTypes", List.of("customer.created"), "ordered", true));
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            created.add(customer(api, "Ordered " + i));
        }

        await().atMost(WAIT).until(() -> receiver.accepted(path).size() == 4);
        List<String> order = new ArrayList<>();
        for (WebhookReceiver.Received r : receiver.received(path)) {
            order.add(json(r.body()).get("subject").asText());
        }
        // Three failed attempts of the first event, then each event once, in publication order.
        List<String> expected = new ArrayList<>(List.of(created.get(0), created.get(0), created.get(0)));
        expected.addAll(created);
        assertEquals(expected, order);
    }

    @Test
    void persistentFailureDisablesTheSubscriptionAndNotifies() throws Exception {
        Api api = Api.freshTenant();
        String failing = path();
        String watcher = path();
        Behaviour[] always = new Behaviour[200];
        java.util.Arrays.fill(always, Behaviour.FAIL_500);
        receiver.script(failing, always);
        String subId = subscribe(api, Map.of("url", receiver.url(failing), "eventTypes",
                List.of("customer.created"))).path("id");
        subscribe(api, Map.of("url", receiver.url(watcher), "eventTypes", List.of("webhook.subscription.disabled")));
        customer(api, "Nobody Home Inc");

        // The test profile gives up after a few seconds (production: 25 h).
        await().atMost(WAIT).until(() -> receiver.accepted(watcher).size() == 1);
        JsonNode notice = json(receiver.accepted(watcher).get(0).body());
        assertEquals("webhook.subscription.disabled", notice.get("type").asText());
        assertEquals(subId, notice.get("data").get("subscriptionId").asText());
        Response sub = api.call().get("/v1/webhooks/" + subId);
        sub.then().statusCode(200).body("status", equalTo("disabled"))
                .body("disabledReason", startsWith("deliveries kept failing"));
        assertTrue(receiver.received(failing).size() >= 2, "retried before giving up");
        Response log = api.call().get("/v1/webhooks/" + subId + "/deliveries");
        log.then().body("items[0].status", equalTo("failed"));
        String deliveryId = log.path("items[0].id");

        // The receiver is fixed; re-enable and redeliver what was given up.
        receiver.script(failing);
        api.call().contentType("application/merge-patch+json").header("If-Match", sub.header("ETag"))
                .body(Map.of("status", "active")).patch("/v1/webhooks/" + subId).then().statusCode(200)
                .body("status", equalTo("active"));
        api.call().post("/v1/webhooks/" + subId + "/deliveries/" + deliveryId + "/redeliveries").then()
                .statusCode(202);
        await().atMost(WAIT).until(() -> receiver.accepted(failing).size() == 1);
        // Redelivering something still open is a conflict.
        await().atMost(WAIT).until(() -> "succeeded".equals(api.call()
                .get("/v1/webhooks/" + subId + "/deliveries/" + deliveryId).then().extract().path("status")));
    }

    @Test
    void duringARotationDeliveriesCarryBothSignatures() throws Exception {
        Api api = Api.freshTenant();
        String path = path();
        Response sub = subscribe(api, Map.of("url", receiver.url(path), "eventTypes", List.of("customer.created")));
        String oldSecret = sub.path("secret");
        Response rotated = api.call().body(Map.of("overlapSeconds", 3600))
                .post("/v1/webhooks/" + sub.path("id") + "/secret-rotations");
        rotated.then().statusCode(200).body("secret", startsWith("whsec_"));
        String newSecret = rotated.path("secret");
        assertNotEquals(oldSecret, newSecret);
        assertTrue(rotated.path("previousSecretExpiresAt") != null);
        customer(api, "Rotation AG");

        await().atMost(WAIT).until(() -> receiver.accepted(path).size() == 1);
        WebhookReceiver.Received got = receiver.accepted(path).get(0);
        assertEquals(2, got.header("webhook-signature").split(" ").length);
        for (String secret : List.of(oldSecret, newSecret)) {
            assertEquals(WebhookSignatures.Verdict.VALID, WebhookSignatures.verify(List.of(secret),
                    got.header("webhook-id"), got.header("webhook-timestamp"), got.header("webhook-signature"),
                    got.body(), Instant.now(), WebhookSignatures.DEFAULT_TOLERANCE, id -> true));
        }

        // Neither secret is stored in clear: both are sealed with the field-encryption key.
        List<String> stored = Db.strings("SELECT secret || ' ' || previous_secret FROM webhook_subscription"
                + " WHERE id = CAST(? AS uuid)", (String) sub.path("id"));
        assertEquals(1, stored.size());
        for (String secret : List.of(oldSecret, newSecret)) {
            String key = secret.substring("whsec_".length());
            assertTrue(!stored.get(0).contains(key), "a signing secret is stored in clear");
        }
        assertTrue(stored.get(0).startsWith("gcm:") && stored.get(0).contains(" gcm:"), stored.get(0));
    }

    @Test
    void aRepeatedRelayBatchCreatesNoSecondDelivery() {
        Api api = Api.freshTenant();
        String subId = subscribe(api, Map.of("url", receiver.url(path()), "eventTypes", List.of("test.event")))
                .path("id");
        UUID eventId = UUID.randomUUID();
        OutboxTap.Relayed event = new OutboxTap.Relayed(1, eventId, api.tenant(), "test.event",
                "{\"id\":\"" + eventId + "\",\"type\":\"test.event\"}");
        for (int i = 0; i < 2; i++) {
            pool.withTransaction(conn -> fanOut.relayed(conn, List.of(event))).await().atMost(Duration.ofSeconds(10));
        }
        assertEquals(1, Db.count("SELECT count(*) FROM webhook_delivery WHERE subscription_id = ?::uuid AND event_id = ?",
                subId, eventId));
    }

    @Test
    void badSubscriptionsAre422AndChangeNothing() {
        Api api = Api.freshTenant();
        for (String url : List.of("http://hooks.example.com/x", "https://10.1.2.3/hook", "https://[fd00::1]/hook",
                "https://169.254.169.254/latest/meta-data", "https://user:pw@hooks.example.com/", "ftp://x.example/",
                "not a url")) {
            api.call().body(Map.of("url", url, "eventTypes", List.of("customer.created"))).post("/v1/webhooks")
                    .then().statusCode(422).body("errors.pointer", hasItem("/url"));
        }
        api.call().body(Map.of("url", "https://hooks.example.com/x", "eventTypes", List.of("Customer Created")))
                .post("/v1/webhooks").then().statusCode(422).body("errors.pointer", hasItem("/eventTypes/0"));
        api.call().body(Map.of("url", "https://hooks.example.com/x", "eventTypes", List.of("customer.created"),
                "filter", "data.kind=zz=1")).post("/v1/webhooks").then().statusCode(422)
                .body("errors.pointer", hasItem("/filter"));
        api.call().body(Map.of("url", "https://hooks.example.com/x", "eventTypes", List.of())).post("/v1/webhooks")
                .then().statusCode(422);
        assertEquals(0, Db.count("SELECT count(*) FROM webhook_subscription WHERE tenant_id = ?", api.tenant()));
        // Reading and writing subscriptions need the webhooks permissions.
        api.as("reader", "read-only").call().get("/v1/webhooks").then().statusCode(403);
        api.as("agent", "agent").call().body(Map.of("url", "https://hooks.example.com/x", "eventTypes",
                List.of("customer.created"))).post("/v1/webhooks").then().statusCode(403);
        api.call().get("/v1/webhooks/" + UUID.randomUUID()).then().statusCode(404);
        // A public https URL is fine; its secret is shown once and never again.
        String id = subscribe(api, Map.of("url", "https://hooks.example.com/x", "eventTypes", List.of("*")))
                .path("id");
        api.call().get("/v1/webhooks/" + id).then().statusCode(200).body("secret", equalTo(null));
        api.call().get("/v1/webhooks").then().statusCode(200).body("items.size()", equalTo(1));
    }

    private static HttpResponse<String> post(String url, WebhookReceiver.Received captured) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(captured.body()));
        for (String h : List.of("webhook-id", "webhook-timestamp", "webhook-signature", "content-type")) {
            request.header(h, captured.header(h));
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
