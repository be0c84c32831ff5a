package io.clientele.customer;

import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.clientele.customer.domain.CustomerSensitiveStore;
import io.clientele.platform.crypto.FieldCipher;
import io.clientele.platform.crypto.Reencryption;
import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Rotating the blind-index key (test profile: index keys 1 and 2, 2 active): rows indexed under key 1 stay findable
 * before, during and after the re-encryption job re-indexes them, and afterwards no key-1 index is left.
 */
@QuarkusTest
@WithTestResource(InfraResource.class)
class BlindIndexRotationTest {

    private static final String NATIONAL = "customer.nationalId";
    private static final String PHONE = "customer.personalPhone";

    @Inject
    FieldCipher cipher;

    @Inject
    Reencryption reencryption;

    @Inject
    CustomerSensitiveStore store;

    private static List<String> found(Api api, String filter) {
        return api.call().queryParam("filter", filter).get("/v1/customers").then().statusCode(200).extract()
                .path("items.id");
    }

    private long rowsIndexedUnder(String tenant, int version) {
        return Db.count("SELECT count(*) FROM customer WHERE tenant_id = ? AND blind_index_version = ?", tenant, version);
    }

    private void assertAllFindable(Api admin, List<String> ids, List<String> nationalIds, List<String> phones) {
        for (int i = 0; i < ids.size(); i++) {
            // The national id as a client types it (spaces, lower case): normalised before indexing.
            assertEquals(List.of(ids.get(i)), found(admin, "nationalId=='" + nationalIds.get(i).toLowerCase() + "'"));
            assertEquals(List.of(ids.get(i)), found(admin, "personalPhone=='" + phones.get(i) + "'"));
        }
        admin.call().queryParam("filter", "nationalId=in=(" + String.join(",", nationalIds) + ")").get("/v1/customers")
                .then().statusCode(200).body("items.id", containsInAnyOrder(ids.toArray()));
        admin.call().queryParam("filter", "nationalId!=" + nationalIds.get(0)).get("/v1/customers").then()
                .statusCode(200).body("items.id", not(hasItem(ids.get(0)))).body("items.id", hasItem(ids.get(1)));
    }

    @Test
    void lookUpsKeepFindingRecordsWhileTheIndexKeyRotates() {
        assertEquals(2, cipher.activeIndexVersion());
        Api admin = Api.freshTenant("admin");
        String unique = UUID.randomUUID().toString().replace("-", "").substring(0, 8).toUpperCase();
        List<String> ids = new ArrayList<>();
        List<String> nationalIds = new ArrayList<>();
        List<String> phones = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String nationalId = "BI" + unique + i;
            String phone = "+44207946" + i + String.format("%03d", (int) (Math.random() * 1000));
            String id = admin.call().body(Map.of("kind", "person", "firstName", "Idx" + i, "sensitive",
                    Map.of("nationalId", nationalId, "personalPhone", phone))).post("/v1/customers").then()
                    .statusCode(201).extract().path("id");
            ids.add(id);
            nationalIds.add(nationalId);
            phones.add(phone);
            // As a row indexed before the rotation: its indexes under key 1.
            Db.execute("UPDATE customer SET national_id_bidx = ?, personal_phone_bidx = ?, blind_index_version = 1"
                    + " WHERE id = ?", cipher.blindIndex(1, NATIONAL, nationalId), cipher.blindIndex(1, PHONE, phone),
                    UUID.fromString(id));
        }
        // Before the job: every row under key 1, still found.
        assertEquals(3, rowsIndexedUnder(admin.tenant(), 1));
        assertAllFindable(admin, ids, nationalIds, phones);
        admin.call().get("/v1/admin/crypto/status").then().statusCode(200)
                .body("activeBlindIndexVersion", equalTo(2))
                .body("stores.find { it.store == 'customer' }.pendingIndexes", greaterThanOrEqualTo(3));

        // During: one batch at a time until some (not all) of this tenant's rows moved to key 2.
        while (rowsIndexedUnder(admin.tenant(), 2) == 0) {
            store.reencryptBatch(cipher.activeVersion(), 1).await().indefinitely();
        }
        assertEquals(1, rowsIndexedUnder(admin.tenant(), 2));
        assertEquals(2, rowsIndexedUnder(admin.tenant(), 1));
        assertAllFindable(admin, ids, nationalIds, phones);

        // After: nothing left under key 1, in the raw table too.
        reencryption.runOnce().await().indefinitely();
        assertEquals(3, rowsIndexedUnder(admin.tenant(), 2));
        for (int i = 0; i < 3; i++) {
            UUID id = UUID.fromString(ids.get(i));
            assertEquals(0, Db.count("SELECT count(*) FROM customer WHERE national_id_bidx = ? OR personal_phone_bidx = ?",
                    cipher.blindIndex(1, NATIONAL, nationalIds.get(i)), cipher.blindIndex(1, PHONE, phones.get(i))));
            assertEquals(1, Db.count("SELECT count(*) FROM customer WHERE id = ? AND national_id_bidx = ?"
                    + " AND personal_phone_bidx = ?", id, cipher.blindIndex(2, NATIONAL, nationalIds.get(i)),
                    cipher.blindIndex(2, PHONE, phones.get(i))));
        }
        assertAllFindable(admin, ids, nationalIds, phones);
        admin.call().get("/v1/admin/crypto/status").then().statusCode(200)
                .body("stores.find { it.store == 'customer' }.pendingIndexes", equalTo(0));
        // Each re-indexed row has a system audit entry in its tenant; clients saw no change (no new version).
        assertEquals(3, Db.count("SELECT count(*) FROM audit_log WHERE tenant_id = ? AND actor = 'system:reencryption'",
                admin.tenant()));
        admin.call().get("/v1/customers/" + ids.get(0)).then().statusCode(200).header("ETag", "\"0\"");
    }
}
