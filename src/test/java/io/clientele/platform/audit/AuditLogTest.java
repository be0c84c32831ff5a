package io.clientele.platform.audit;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@WithTestResource(InfraResource.class)
class AuditLogTest {

    private static void awaitEntries(String tenant, long atLeast) {
        // Entries are written right after the response ends, so the test waits for them.
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> Db.count("SELECT count(*) FROM audit_log WHERE tenant_id = ?", tenant) >= atLeast);
    }

    @Test
    void writesAndDeniedAccessesAreRecordedWithWhoWhatWhereAndOutcome() {
        Api admin = Api.freshTenant("admin");
        String id = admin.call().header("X-Request-Id", "audit-create-1")
                .body(Map.of("kind", "person", "firstName", "Grace")).post("/v1/customers").then().statusCode(201)
                .extract().path("id");
        // A failed write is recorded too, with its status.
        admin.raw().header("If-Match", "\"7\"").contentType("application/merge-patch+json")
                .body("{\"firstName\":\"G\"}").patch("/v1/customers/" + id).then().statusCode(412);
        // Denied: a read-only caller tries to write, a sales caller tries to read the audit log.
        admin.as("reader-1", "read-only").raw().contentType("application/json")
                .body("{\"kind\":\"person\",\"firstName\":\"X\"}").post("/v1/customers").then().statusCode(403);
        admin.as("sales-1", "sales").raw().get("/v1/audit").then().statusCode(403);
        // Reads that succeed are not audited.
        admin.call().get("/v1/customers/" + id).then().statusCode(200);
        awaitEntries(admin.tenant(), 4);

        JsonPath page = admin.call().get("/v1/audit").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> items = page.getList("items");
        assertEquals(4, items.size(), items.toString());
        // Newest first.
        assertEquals("GET /v1/audit", items.get(0).get("action"));
        assertEquals("denied", items.get(0).get("outcome"));
        assertEquals("sales-1", items.get(0).get("actor"));
        assertEquals(403, items.get(0).get("status"));
        Map<String, Object> create = items.get(3);
        assertEquals("POST /v1/customers", create.get("action"));
        assertEquals("/v1/customers", create.get("target"));
        assertEquals("success", create.get("outcome"));
        // Written in the write's own transaction, before the status was decided (ADR 0023).
        assertEquals(null, create.get("status"));
        assertEquals(admin.subject(), create.get("actor"));
        assertEquals("audit-create-1", create.get("requestId"));
        assertTrue(create.get("sourceIp") != null, "source ip recorded");
        Map<String, Object> patch = items.get(2);
        assertEquals("PATCH /v1/customers/{id}", patch.get("action"));
        assertEquals("/v1/customers/" + id, patch.get("target"));
        assertEquals("failed", patch.get("outcome"));

        // The shared filter, sort and cursor grammar.
        admin.call().queryParam("filter", "outcome==denied").queryParam("sort", "occurredAt").get("/v1/audit")
                .then().statusCode(200).body("items.size()", equalTo(2)).body("items[0].actor", equalTo("reader-1"));
        String cursor = admin.call().queryParam("limit", 1).get("/v1/audit").then().statusCode(200)
                .body("nextCursor", notNullValue()).extract().path("nextCursor");
        admin.call().queryParam("limit", 1).queryParam("cursor", cursor).get("/v1/audit").then().statusCode(200)
                .body("items[0].action", equalTo("POST /v1/customers"));
        admin.raw().queryParam("filter", "secret==1").get("/v1/audit").then().statusCode(400);

        // Another tenant's admin sees none of it.
        Api other = Api.freshTenant("admin");
        other.call().queryParam("filter", "actor==" + admin.subject()).get("/v1/audit").then().statusCode(200)
                .body("items.size()", equalTo(0));
    }

    @Test
    void theLogExportsAsCsvAndNdjson() {
        Api admin = Api.freshTenant("admin");
        admin.call().body(Map.of("kind", "company", "name", "Acme")).post("/v1/customers").then().statusCode(201);
        admin.call().body(Map.of("kind", "company", "name", "Initech")).post("/v1/customers").then().statusCode(201);
        awaitEntries(admin.tenant(), 2);
        String csv = admin.call().queryParam("format", "csv").get("/v1/audit/export").then().statusCode(200)
                .extract().asString();
        List<String> lines = csv.lines().toList();
        assertEquals("id,occurredAt,actor,clientId,action,method,target,status,outcome,sourceIp,requestId,reason",
                lines.get(0));
        assertEquals(3, lines.size(), csv);
        assertTrue(lines.get(1).contains("POST /v1/customers"), csv);
        String ndjson = admin.call().queryParam("format", "ndjson").queryParam("filter", "outcome==success")
                .get("/v1/audit/export").then().statusCode(200).extract().asString();
        assertEquals(2, ndjson.lines().count(), ndjson);
        admin.as("manager-1", "manager").raw().queryParam("format", "csv").get("/v1/audit/export").then()
                .statusCode(403);
    }

    @Test
    void anUnauthenticatedWriteIsRecordedWithoutTenant() {
        String requestId = "audit-anon-" + System.nanoTime();
        Api.anonymous().header("X-Request-Id", requestId).contentType("application/json").body("{}")
                .post("/v1/customers").then().statusCode(401);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Db.count(
                "SELECT count(*) FROM audit_log WHERE request_id = ? AND tenant_id IS NULL AND outcome = 'denied'"
                        + " AND status = 401", requestId) == 1);
    }

    @Test
    void theTableIsAppendOnly() {
        Api admin = Api.freshTenant("admin");
        admin.call().body(Map.of("kind", "company", "name", "Umbrella")).post("/v1/customers").then().statusCode(201);
        awaitEntries(admin.tenant(), 1);
        for (String sql : List.of("UPDATE audit_log SET actor = 'someone-else' WHERE tenant_id = ?",
                "DELETE FROM audit_log WHERE tenant_id = ?")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Db.execute(sql, admin.tenant()));
            assertTrue(e.getMessage().contains("append-only"), e.getMessage());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Db.execute("TRUNCATE audit_log"));
        assertTrue(e.getMessage().contains("append-only"), e.getMessage());
        admin.call().get("/v1/audit").then().statusCode(200).body("items.actor", hasItem(admin.subject()));
    }
}
