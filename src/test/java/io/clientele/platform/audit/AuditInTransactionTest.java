package io.clientele.platform.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A successful write's audit entry commits in the write's own transaction (ADR 0023): it exists if and only if
 * the write committed; records hidden by visibility are audited as denials while still answering 404.
 */
@QuarkusTest
@WithTestResource(InfraResource.class)
class AuditInTransactionTest {

    private static long entries(String requestId, String outcome) {
        return Db.count("SELECT count(*) FROM audit_log WHERE request_id = ? AND outcome = ?", requestId, outcome);
    }

    /** Edge entries are written after the response; a later edge entry of the same tenant marks "done". */
    private static void awaitEdge(Api api, String marker) {
        api.as("audit-marker", "sales").raw().header("X-Request-Id", marker).get("/v1/audit").then().statusCode(403);
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> entries(marker, "denied") == 1);
    }

    @Test
    void aCommittedWriteHasExactlyOneEntryWrittenInItsTransaction() {
        Api admin = Api.freshTenant("admin");
        String rid = "audit-tx-" + UUID.randomUUID();
        String id = admin.call().header("X-Request-Id", rid).body(Map.of("kind", "person", "firstName", "Ada"))
                .post("/v1/customers").then().statusCode(201).extract().path("id");
        // No waiting: the entry committed with the customer, before the response was sent.
        assertEquals(1, entries(rid, "success"));
        awaitEdge(admin, "audit-tx-marker-" + UUID.randomUUID());
        assertEquals(1, Db.count("SELECT count(*) FROM audit_log WHERE request_id = ?", rid), "no second edge entry");
        List<String> row = Db.strings("SELECT concat_ws('|', tenant_id, actor, action, method, target,"
                + " coalesce(status::text, 'null'), (source_ip IS NOT NULL)::text) FROM audit_log WHERE request_id = ?", rid);
        assertEquals(admin.tenant() + "|" + admin.subject() + "|POST /v1/customers|POST|/v1/customers|null|true",
                row.get(0));
        admin.call().queryParam("filter", "requestId==" + rid).get("/v1/audit").then().statusCode(200)
                .body("items.size()", org.hamcrest.Matchers.equalTo(1))
                .body("items[0].outcome", org.hamcrest.Matchers.equalTo("success"))
                .body("items[0]", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("status")));
        assertEquals(1, Db.count("SELECT count(*) FROM customer WHERE id = ?::uuid", id));
    }

    @Test
    void aWriteRolledBackAfterItsOutboxAppendLeavesOnlyTheFailure() {
        Api admin = Api.freshTenant("admin");
        // A unique check deferred to commit fails after the change, its outbox event and its audit entry were
        // inserted: the whole transaction rolls back, as a crash before commit would.
        String marker = "Rollback" + UUID.randomUUID().toString().substring(0, 8);
        Db.execute("CREATE OR REPLACE FUNCTION audit_test_conflict() RETURNS trigger LANGUAGE plpgsql AS $$"
                + " BEGIN IF NEW.first_name LIKE 'Rollback%' THEN RAISE EXCEPTION 'duplicate value' USING ERRCODE"
                + " = 'unique_violation'; END IF; RETURN NULL; END; $$");
        Db.execute("CREATE CONSTRAINT TRIGGER audit_test_conflict AFTER INSERT ON customer DEFERRABLE INITIALLY"
                + " DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_test_conflict()");
        String rid = "audit-rollback-" + UUID.randomUUID();
        try {
            admin.raw().header("X-Request-Id", rid).contentType("application/json")
                    .body(Map.of("kind", "person", "firstName", marker)).post("/v1/customers").then().statusCode(409);
        } finally {
            Db.execute("DROP TRIGGER audit_test_conflict ON customer");
            Db.execute("DROP FUNCTION audit_test_conflict()");
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> entries(rid, "failed") == 1);
        awaitEdge(admin, "audit-rollback-marker-" + UUID.randomUUID());
        assertEquals(0, entries(rid, "success"), "the in-transaction entry rolled back with the write");
        assertEquals(1, entries(rid, "failed"));
        assertEquals(1, Db.count("SELECT count(*) FROM audit_log WHERE request_id = ? AND status = 409", rid));
        assertEquals(0, Db.count("SELECT count(*) FROM customer WHERE tenant_id = ? AND first_name = ?",
                admin.tenant(), marker));
        assertEquals(0, Db.count("SELECT count(*) FROM outbox_event WHERE correlation_id = ?", rid));
    }

    @Test
    void recordsHiddenByVisibilityAreAuditedAsDenialsAndStillAnswer404() {
        Api admin = Api.freshTenant("admin");
        String customer = admin.call().body(Map.of("kind", "company", "name", "Hidden Ltd")).post("/v1/customers")
                .then().statusCode(201).extract().path("id");
        Map<?, ?> pipeline = admin.call().body(Map.of("name", "P", "stages", List.of(
                Map.of("name", "Lead", "probability", 0.1), Map.of("name", "Won", "won", true),
                Map.of("name", "Lost", "lost", true)))).post("/v1/pipelines").then().statusCode(201).extract()
                .as(Map.class);
        String opportunity = admin.call().body(Map.of("customerId", customer, "title", "Deal", "amount", "10",
                "currency", "EUR", "pipelineId", pipeline.get("id"))).post("/v1/opportunities").then()
                .statusCode(201).extract().path("id");
        String ticket = admin.call().body(Map.of("subject", "Hidden", "assigneeId", "someone-else")).post("/v1/tickets").then()
                .statusCode(201).extract().path("id");

        Map<String, Api> callers = Map.of("/v1/customers/" + customer, admin.as("sam", "own-sales"),
                "/v1/opportunities/" + opportunity, admin.as("sal", "sales"),
                "/v1/tickets/" + ticket, admin.as("agnes", "agent"));
        callers.forEach((path, caller) -> {
            String rid = "audit-hidden-" + UUID.randomUUID();
            String missing = "audit-missing-" + UUID.randomUUID();
            String missingPath = path.substring(0, path.lastIndexOf('/') + 1) + UUID.randomUUID();
            // The same answer as for a record that does not exist.
            caller.raw().header("X-Request-Id", rid).get(path).then().statusCode(404)
                    .body("type", org.hamcrest.Matchers.endsWith("/not-found"));
            caller.raw().header("X-Request-Id", missing).get(missingPath).then().statusCode(404);
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .until(() -> entries(rid, "denied") == 1);
            assertEquals(1, Db.count("SELECT count(*) FROM audit_log WHERE request_id = ? AND status = 404"
                    + " AND reason = 'visibility' AND target = ? AND actor IS NOT NULL", rid, path), path);
            awaitEdge(admin, "audit-hidden-marker-" + UUID.randomUUID());
            // A record that does not exist is not a denial (nothing was withheld), and successful reads are not audited.
            assertEquals(0, Db.count("SELECT count(*) FROM audit_log WHERE request_id = ?", missing), path);
        });
        admin.call().queryParam("filter", "reason==visibility").get("/v1/audit").then().statusCode(200)
                .body("items.size()", org.hamcrest.Matchers.equalTo(3))
                .body("items.outcome", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.equalTo("denied")));
    }

    @Test
    void writesWithoutAnEventAreAuditedInTheirTransactionToo() {
        // Changing settings emits no event, so it does not pass the outbox; its service records the entry itself.
        Api admin = Api.freshTenant("admin");
        String rid = "audit-settings-" + UUID.randomUUID();
        admin.call().header("X-Request-Id", rid).header("If-Match", "\"0\"").body(Map.of("possibleThreshold", 0.4,
                "likelyThreshold", 0.7, "createPolicy", "reject", "updatePolicy", "reject"))
                .put("/v1/settings/duplicates").then().statusCode(200);
        assertEquals(1, Db.count("SELECT count(*) FROM audit_log WHERE request_id = ? AND outcome = 'success'"
                + " AND status IS NULL AND action = 'PUT /v1/settings/duplicates'", rid));
        // The same precondition again fails (412): recorded at the edge, once, as failed; no success entry.
        String failed = "audit-settings-412-" + UUID.randomUUID();
        admin.call().header("X-Request-Id", failed).header("If-Match", "\"0\"").body(Map.of("possibleThreshold",
                0.4, "likelyThreshold", 0.7, "createPolicy", "reject", "updatePolicy", "reject"))
                .put("/v1/settings/duplicates").then().statusCode(412);
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> entries(failed, "failed") == 1);
        assertEquals(0, entries(failed, "success"));
    }
}
