package io.clientele.platform.webhooks;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.clientele.platform.crypto.FieldCipher;
import io.clientele.platform.crypto.Reencryption;
import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Webhook signing secrets move to a new field-encryption key with the re-encryption job, and receivers keep
 * verifying every delivery with the secret they were given, before, during and after.
 */
@QuarkusTest
@WithTestResource(InfraResource.class)
class WebhookSecretRotationTest {

    private static final Duration WAIT = Duration.ofSeconds(45);
    private static WebhookReceiver receiver;

    @Inject
    FieldCipher cipher;

    @Inject
    WebhookSecrets secrets;

    @Inject
    Reencryption reencryption;

    @BeforeAll
    static void startReceiver() throws Exception {
        receiver = new WebhookReceiver();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    private static String storedSecret(String subscription, String column) {
        return Db.strings("SELECT " + column + " FROM webhook_subscription WHERE id = ?::uuid", subscription).get(0);
    }

    private static void createCustomer(Api api, String name) {
        api.call().body(Map.of("kind", "company", "name", name)).post("/v1/customers").then().statusCode(201);
    }

    @Test
    void deliveriesKeepVerifyingWithTheSameSecretWhileTheKeyRotates() {
        Api admin = Api.freshTenant("admin");
        String path = "/hook/" + UUID.randomUUID();
        Response created = admin.call().body(Map.of("url", receiver.url(path), "eventTypes", List.of("customer.created")))
                .post("/v1/webhooks");
        created.then().statusCode(201);
        String id = created.path("id");
        String secret = created.path("secret");
        // The receiver verifies with the one secret it was given; a signature under anything else is refused.
        receiver.verifyWith(path, List.of(secret));
        int old = cipher.versions().stream().filter(v -> v != cipher.activeVersion()).findFirst().orElseThrow();
        UUID sid = UUID.fromString(id);

        // Before: the secret sealed under the old key, as one created before the rotation would be.
        Db.execute("UPDATE webhook_subscription SET secret = ? WHERE id = ?", secrets.seal(old, secret, sid), sid);
        assertEquals(old, WebhookSecrets.keyVersion(storedSecret(id, "secret")));
        admin.call().get("/v1/admin/crypto/status").then().statusCode(200)
                .body("stores.find { it.store == 'webhook-secret' }.pending", greaterThanOrEqualTo(1));
        createCustomer(admin, "Before rotation");
        await().atMost(WAIT).until(() -> receiver.accepted(path).size() == 1);

        // During: a secret rotation keeps the old secret valid for a while; both are sealed under the old key.
        Db.execute("UPDATE webhook_subscription SET previous_secret = ?, previous_secret_expires_at ="
                + " now() + interval '1 hour' WHERE id = ?", secrets.seal(old, secret, sid), sid);
        long moved = reencryption.runOnce().await().indefinitely();
        assertEquals(true, moved >= 1, "moved " + moved);

        // After: current and previous secret sealed under the active key, the clear secret unchanged.
        String stored = storedSecret(id, "secret");
        assertEquals(cipher.activeVersion(), WebhookSecrets.keyVersion(stored));
        assertEquals(cipher.activeVersion(), WebhookSecrets.keyVersion(storedSecret(id, "previous_secret")));
        assertEquals(secret, secrets.open(stored, sid));
        assertNotEquals(secrets.seal(old, secret, sid), stored);
        admin.call().get("/v1/admin/crypto/status").then().statusCode(200)
                .body("stores.find { it.store == 'webhook-secret' }.pending", equalTo(0));
        createCustomer(admin, "After rotation");
        await().atMost(WAIT).until(() -> receiver.accepted(path).size() == 2);
        assertEquals(2, receiver.received(path).size(), "every delivery verified: none refused");
        // The job left a system audit entry in the subscription's tenant; the subscription's version is unchanged.
        assertEquals(1, Db.count("SELECT count(*) FROM audit_log WHERE tenant_id = ? AND actor = 'system:reencryption'"
                + " AND method = 'SYSTEM' AND target = ?", admin.tenant(), "webhooks/subscriptions/" + id));
        admin.call().get("/v1/webhooks/" + id).then().statusCode(200).body("version", equalTo(created.path("version")));
    }
}
