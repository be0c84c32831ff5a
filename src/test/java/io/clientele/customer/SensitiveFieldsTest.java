package io.clientele.customer;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.clientele.platform.crypto.CryptoException;
import io.clientele.platform.crypto.FieldCipher;
import io.clientele.platform.crypto.Reencryption;
import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Sensitive customer fields: encrypted at rest, blind-indexed, masked without permission, rotated without downtime. */
@QuarkusTest
@WithTestResource(InfraResource.class)
class SensitiveFieldsTest {

    private static final String NATIONAL_ID = "AB 123 456 C";
    private static final String NATIONAL_ID_NORMALISED = "AB123456C";
    private static final String BIRTH_DATE = "1915-12-10";
    private static final String PHONE = "+442079460123";
    private static final String NOTES = "Prefers calls after 6pm; spouse Zelda-Quixote";

    @Inject
    FieldCipher cipher;

    @Inject
    Reencryption reencryption;

    private static Map<String, Object> sensitive() {
        return Map.of("nationalId", NATIONAL_ID, "birthDate", BIRTH_DATE, "personalPhone", "+44 20 7946 0123",
                "privateNotes", NOTES);
    }

    private static String create(Api api, Map<String, Object> extra) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("kind", "person", "firstName", "Ada",
                "lastName", "Lovelace"));
        body.putAll(extra);
        return api.call().body(body).post("/v1/customers").then().statusCode(201).extract().path("id");
    }

    @Test
    void valuesAreClearOnlyWithThePermissionAndMaskedOtherwise() {
        Api admin = Api.freshTenant("admin");
        Api sales = admin.as("sales-1", "sales");
        // The write response is masked even for an admin: it may be kept for idempotent replays.
        String id = admin.call().body(Map.of("kind", "person", "firstName", "Ada", "sensitive", sensitive()))
                .post("/v1/customers").then().statusCode(201)
                .body("sensitive.nationalId", equalTo("***"))
                .body("sensitive.privateNotes", equalTo("***"))
                .extract().path("id");

        admin.call().get("/v1/customers/" + id).then().statusCode(200)
                .body("sensitive.nationalId", equalTo(NATIONAL_ID_NORMALISED))
                .body("sensitive.birthDate", equalTo(BIRTH_DATE))
                .body("sensitive.personalPhone", equalTo(PHONE))
                .body("sensitive.privateNotes", equalTo(NOTES));
        sales.call().get("/v1/customers/" + id).then().statusCode(200)
                .body("sensitive.nationalId", equalTo("***"))
                .body("sensitive.birthDate", equalTo("***"))
                .body("sensitive.personalPhone", equalTo("***"))
                .body("sensitive.privateNotes", equalTo("***"));
        sales.call().get("/v1/customers").then().statusCode(200)
                .body("items[0].sensitive.nationalId", equalTo("***"));
        admin.call().get("/v1/customers").then().statusCode(200)
                .body("items[0].sensitive.nationalId", equalTo(NATIONAL_ID_NORMALISED));

        // A customer without sensitive fields has no sensitive member at all.
        String plain = create(admin, Map.of());
        admin.call().get("/v1/customers/" + plain).then().statusCode(200).body("sensitive", nullValue());

        // Exports: only when named in fields; clear or masked by the same permission.
        Api manager = admin.as("manager-1", "manager");
        String csv = admin.call().queryParam("format", "csv")
                .queryParam("fields", "sensitive.nationalId,sensitive.privateNotes")
                .queryParam("filter", "id==" + id).get("/v1/customers/export").then().statusCode(200)
                .extract().asString();
        assertTrue(csv.contains(NATIONAL_ID_NORMALISED) && csv.contains(NOTES), csv);
        String masked = manager.call().queryParam("format", "csv")
                .queryParam("fields", "sensitive.nationalId").queryParam("filter", "id==" + id)
                .get("/v1/customers/export").then().statusCode(200).extract().asString();
        assertFalse(masked.contains(NATIONAL_ID_NORMALISED), masked);
        assertTrue(masked.contains("***"), masked);
        String ndjson = manager.call().queryParam("format", "ndjson").queryParam("filter", "id==" + id)
                .get("/v1/customers/export").then().statusCode(200).extract().asString();
        assertFalse(ndjson.contains(NATIONAL_ID_NORMALISED) || ndjson.contains(NOTES), ndjson);
    }

    @Test
    void equalityFiltersGoThroughTheBlindIndex() {
        Api admin = Api.freshTenant("admin");
        String ada = create(admin, Map.of("sensitive", sensitive()));
        create(admin, Map.of("sensitive", Map.of("nationalId", "ZZ999999Z", "personalPhone", "+442079460999")));
        create(admin, Map.of());

        // Written differently, normalised the same way, found through the index.
        admin.call().queryParam("filter", "nationalId=='ab-123-456-c'").get("/v1/customers").then().statusCode(200)
                .body("items", hasSize(1)).body("items[0].id", equalTo(ada));
        admin.call().queryParam("filter", "personalPhone=='+44 20 7946 0123'").get("/v1/customers").then()
                .statusCode(200).body("items.id", contains(ada));
        admin.call().queryParam("filter", "nationalId=in=(AB123456C,ZZ999999Z)").get("/v1/customers").then()
                .statusCode(200).body("items", hasSize(2));
        admin.call().queryParam("filter", "nationalId==NOBODY").get("/v1/customers").then().statusCode(200)
                .body("items", hasSize(0));
        // Ranges and patterns would need the plaintext: refused.
        admin.raw().queryParam("filter", "nationalId=like=AB*").get("/v1/customers").then().statusCode(400)
                .body("type", equalTo("https://clientele.io/problems/invalid-filter"));
        // Matching on a national id would tell who holds it: not without the permission.
        admin.as("sales-2", "sales").raw().queryParam("filter", "nationalId==AB123456C").get("/v1/customers")
                .then().statusCode(403);
        // A segment stores its filter in clear: no encrypted field in it.
        admin.raw().contentType("application/json")
                .body(Map.of("name", "by id", "filter", "nationalId==AB123456C")).post("/v1/segments").then()
                .statusCode(422).body("errors[0].pointer", equalTo("/filter"));
        admin.as("manager-2", "manager").raw().queryParam("filter", "nationalId==AB123456C")
                .queryParam("format", "csv").get("/v1/customers/export").then().statusCode(403);
    }

    @Test
    void noPlaintextIsStoredInTheTableHistoryOutboxOrIdempotencyRecords() throws Exception {
        Api admin = Api.freshTenant("admin");
        String id = admin.call().header("Idempotency-Key", "k-" + UUID.randomUUID())
                .body(Map.of("kind", "person", "firstName", "Ada", "sensitive", sensitive()))
                .post("/v1/customers").then().statusCode(201).extract().path("id");
        admin.call().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body(Map.of("sensitive", Map.of("privateNotes", "Second note: Ophelia-Marmalade")))
                .patch("/v1/customers/" + id).then().statusCode(200);

        List<String> dumps = new ArrayList<>();
        dumps.addAll(Db.strings("SELECT c::text FROM customer c WHERE id = ?", UUID.fromString(id)));
        dumps.addAll(Db.strings("SELECT h::text FROM change_history h WHERE entity_id = ?", UUID.fromString(id)));
        dumps.addAll(Db.strings("SELECT o::text FROM outbox_event o WHERE aggregate_id = ?", id));
        dumps.addAll(Db.strings("SELECT i::text FROM idempotency_key i WHERE tenant_id = ?", admin.tenant()));
        assertTrue(dumps.size() >= 3, "the row and its history are there: " + dumps.size());
        for (String dump : dumps) {
            for (String secret : List.of(NATIONAL_ID_NORMALISED, BIRTH_DATE, "2079460123", "Zelda-Quixote",
                    "Ophelia-Marmalade")) {
                assertFalse(dump.contains(secret), "plaintext '" + secret + "' stored: " + dump);
            }
        }
        // The raw column is a sealed value under the active key, not JSON.
        byte[] sealed = sealed(id);
        assertEquals(cipher.activeVersion(), FieldCipher.keyVersion(sealed));
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("nationalId"));

        // History shows that a sensitive field changed, with fingerprints instead of values.
        admin.call().get("/v1/customers/" + id + "/history").then().statusCode(200)
                .body("items[0].changes.field", contains("sensitive"))
                .body("items[0].changes[0].old.privateNotes", org.hamcrest.Matchers.startsWith("fp:"))
                .body("items[0].changes[0].new.privateNotes", org.hamcrest.Matchers.startsWith("fp:"));
        // Clearing the whole object removes every field and the stored value.
        admin.call().header("If-Match", "\"1\"").contentType("application/merge-patch+json")
                .body("{\"sensitive\": null}").patch("/v1/customers/" + id).then().statusCode(200)
                .body("sensitive", nullValue());
        assertEquals(1, Db.count("SELECT count(*) FROM customer WHERE id = ? AND sensitive_data IS NULL"
                + " AND national_id_bidx IS NULL AND personal_phone_bidx IS NULL", UUID.fromString(id)));
    }

    @Test
    void badValuesAreRejectedWithPointers() {
        Api admin = Api.freshTenant("admin");
        admin.raw().contentType("application/json")
                .body(Map.of("kind", "person", "firstName", "A", "sensitive", Map.of("nationalId", "!!",
                        "birthDate", "2999-01-01", "personalPhone", "12")))
                .post("/v1/customers").then().statusCode(422)
                .body("errors.pointer", org.hamcrest.Matchers.containsInAnyOrder("/sensitive/nationalId",
                        "/sensitive/birthDate", "/sensitive/personalPhone"));
        admin.raw().contentType("application/json")
                .body(Map.of("kind", "company", "name", "Acme", "sensitive", Map.of("nationalId", "X1")))
                .post("/v1/customers").then().statusCode(422).body("errors[0].pointer", equalTo("/sensitive"));
        assertEquals(0, Db.customers(admin.tenant()));
    }

    @Test
    void tamperedOrMisplacedCiphertextFailsLoudlyAndAWrongKeyCannotDecrypt() throws Exception {
        Api admin = Api.freshTenant("admin");
        String id = create(admin, Map.of("sensitive", sensitive()));
        String other = create(admin, Map.of("sensitive", Map.of("nationalId", "QQ1")));
        byte[] sealed = sealed(id);

        // A wrong key (same version number, other bytes) fails authentication.
        byte[] wrong = new byte[32];
        new java.security.SecureRandom().nextBytes(wrong);
        String b64 = java.util.Base64.getEncoder().encodeToString(wrong);
        FieldCipher wrongKey = new FieldCipher(Map.of(String.valueOf(cipher.activeVersion()), b64),
                cipher.activeVersion(), java.util.Base64.getEncoder().encodeToString(new byte[40]));
        assertThrows(CryptoException.class, () -> wrongKey.decrypt(sealed, "customer|" + id));
        // The right key over another row's associated data fails too: a value cannot be moved between rows.
        assertThrows(CryptoException.class, () -> cipher.decrypt(sealed, "customer|" + other));
        assertNotNull(cipher.decrypt(sealed, "customer|" + id));

        // Copy the sealed value onto the other customer: its read fails instead of showing someone else's data.
        Db.execute("UPDATE customer SET sensitive_data = ? WHERE id = ?", sealed, UUID.fromString(other));
        admin.raw().get("/v1/customers/" + other).then().statusCode(500)
                .body("type", equalTo("https://clientele.io/problems/internal-error"));

        // Flip one bit of the ciphertext: authentication fails, nothing is returned.
        byte[] tampered = sealed.clone();
        tampered[tampered.length - 20] ^= 1;
        Db.execute("UPDATE customer SET sensitive_data = ? WHERE id = ?", tampered, UUID.fromString(id));
        String body = admin.raw().get("/v1/customers/" + id).then().statusCode(500).extract().asString();
        assertFalse(body.contains(NATIONAL_ID_NORMALISED));
    }

    @Test
    void rotationKeepsReadsWorkingAndReencryptsWithoutNewVersionsOrHistory() throws Exception {
        Api admin = Api.freshTenant("admin");
        String id = create(admin, Map.of("sensitive", sensitive()));
        int old = cipher.versions().stream().filter(v -> v != cipher.activeVersion()).findFirst().orElseThrow();
        // Seal the same value under the old key, as a row written before the rotation would be.
        byte[] plaintext = cipher.decrypt(sealed(id), "customer|" + id);
        Db.execute("UPDATE customer SET sensitive_data = ?, sensitive_key_version = ? WHERE id = ?",
                cipher.encrypt(old, plaintext, "customer|" + id), old, UUID.fromString(id));
        long history = Db.count("SELECT count(*) FROM change_history WHERE entity_id = ?", UUID.fromString(id));

        // Reads keep working under the old key.
        admin.call().get("/v1/customers/" + id).then().statusCode(200)
                .body("sensitive.nationalId", equalTo(NATIONAL_ID_NORMALISED)).header("ETag", "\"0\"");
        admin.call().get("/v1/admin/crypto/status").then().statusCode(200)
                .body("activeKeyVersion", equalTo(cipher.activeVersion()))
                .body("stores[0].store", equalTo("customer"))
                .body("stores[0].pending", org.hamcrest.Matchers.greaterThanOrEqualTo(1));

        long moved = reencryption.runOnce().await().indefinitely();
        assertTrue(moved >= 1, "moved " + moved);
        assertEquals(cipher.activeVersion(), FieldCipher.keyVersion(sealed(id)));
        assertEquals(1, Db.count("SELECT count(*) FROM customer WHERE id = ? AND sensitive_key_version = ?",
                UUID.fromString(id), cipher.activeVersion()));
        admin.call().get("/v1/admin/crypto/status").then().statusCode(200).body("stores[0].pending", equalTo(0));
        // Nothing a client could see changed: same version, same values, no history entry, still findable.
        admin.call().get("/v1/customers/" + id).then().statusCode(200).header("ETag", "\"0\"")
                .body("sensitive.privateNotes", equalTo(NOTES));
        assertEquals(history, Db.count("SELECT count(*) FROM change_history WHERE entity_id = ?", UUID.fromString(id)));
        admin.call().queryParam("filter", "nationalId==" + NATIONAL_ID_NORMALISED).get("/v1/customers").then()
                .statusCode(200).body("items.id", contains(id));
        // Operators only.
        admin.as("manager-3", "manager").raw().get("/v1/admin/crypto/status").then().statusCode(403);
    }

    private static byte[] sealed(String id) throws Exception {
        try (Connection c = Db.connect();
                PreparedStatement ps = c.prepareStatement("SELECT sensitive_data FROM customer WHERE id = ?")) {
            ps.setObject(1, UUID.fromString(id));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBytes(1);
            }
        }
    }
}
