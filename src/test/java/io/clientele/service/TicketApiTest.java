package io.clientele.service;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Tickets over REST: create with a first message, valid transitions only, thread, history, lists. */
@QuarkusTest
@WithTestResource(InfraResource.class)
class TicketApiTest {

    private static final String P = "https://clientele.io/problems/";

    static String customer(Api api, String email) {
        return api.call().body(Map.of("kind", "person", "firstName", "Req", "lastName", "Uester",
                "emails", List.of(Map.of("address", email)))).queryParam("onDuplicate", "allow")
                .post("/v1/customers").then().statusCode(201).extract().path("id");
    }

    @Test
    void aTicketMovesOnlyAlongValidTransitionsAndKeepsItsHistory() {
        Api api = Api.freshTenant();
        String customer = customer(api, "req@example.com");
        String id = api.call().body(Map.of("subject", "Printer on fire", "type", "complaint", "priority", "high",
                "channel", "web", "customerId", customer, "assigneeId", "agent-1", "tags", List.of("Hardware", "hardware"),
                "message", Map.of("direction", "inbound", "body", "It is burning",
                        "attachments", List.of(Map.of("filename", "fire.jpg", "contentType", "image/jpeg", "size", 1234)))))
                .post("/v1/tickets").then().statusCode(201).header("ETag", "\"1\"").body("version", equalTo(1))
                .body("status", equalTo("new")).body("tags", contains("hardware"))
                .body("assignment.method", equalTo("manual")).body("customerId", equalTo(customer))
                .extract().path("id");

        api.call().get("/v1/tickets/" + id + "/messages").then().statusCode(200).body("items", hasSize(1))
                .body("items[0].direction", equalTo("inbound"))
                .body("items[0].attachments[0].filename", equalTo("fire.jpg"));

        long version = version(api, id);
        // new -> solved skips open: refused, nothing changes.
        api.call().contentType("application/merge-patch+json").header("If-Match", "\"" + version + "\"")
                .body(Map.of("status", "solved")).patch("/v1/tickets/" + id).then().statusCode(409)
                .body("type", equalTo(P + "conflict")).body("detail", containsString("new to solved"));
        assertEquals("new", api.call().get("/v1/tickets/" + id).then().extract().path("status"));

        for (String status : List.of("open", "pending", "on_hold", "solved", "open", "solved", "closed")) {
            api.call().contentType("application/merge-patch+json").header("If-Match", "\"" + version(api, id) + "\"")
                    .body(Map.of("status", status)).patch("/v1/tickets/" + id).then().statusCode(200)
                    .body("status", equalTo(status));
        }
        api.call().get("/v1/tickets/" + id).then().body("closedAt", notNullValue());
        // Closed is final, and takes no more messages.
        api.call().contentType("application/merge-patch+json").header("If-Match", "\"" + version(api, id) + "\"")
                .body(Map.of("status", "open")).patch("/v1/tickets/" + id).then().statusCode(409);
        api.call().body(Map.of("body", "hello?")).post("/v1/tickets/" + id + "/messages").then().statusCode(409);

        // Stale If-Match.
        api.call().contentType("application/merge-patch+json").header("If-Match", "\"0\"")
                .body(Map.of("subject", "x")).patch("/v1/tickets/" + id).then().statusCode(412);

        api.call().get("/v1/tickets/" + id + "/history").then().statusCode(200)
                .body("items[0].changes[0].field", equalTo("status"))
                .body("items[0].changes[0].new", equalTo("closed"));
        assertEquals(1, Db.count("SELECT count(*) FROM change_history WHERE entity_type = 'ticket' AND entity_id = ?::uuid"
                + " AND operation = 'create'", id));
    }

    @Test
    void inboundMessagesReopenPendingTicketsAndNotesStayInternal() {
        Api api = Api.freshTenant();
        String id = api.call().body(Map.of("subject", "Where is my parcel", "assigneeId", "agent-7"))
                .post("/v1/tickets").then().statusCode(201).extract().path("id");
        patchStatus(api, id, "open");
        patchStatus(api, id, "pending");
        api.call().body(Map.of("direction", "note", "body", "asked the courier")).post("/v1/tickets/" + id + "/messages")
                .then().statusCode(201).body("authorId", equalTo(api.subject())).body("direction", equalTo("note"));
        assertEquals("pending", api.call().get("/v1/tickets/" + id).then().extract().path("status"));
        api.call().body(Map.of("direction", "inbound", "body", "any news?", "sender", "c@example.com"))
                .post("/v1/tickets/" + id + "/messages").then().statusCode(201).body("authorId", nullValue());
        assertEquals("open", api.call().get("/v1/tickets/" + id).then().extract().path("status"));
        api.call().queryParam("filter", "direction==note").get("/v1/tickets/" + id + "/messages").then()
                .body("items", hasSize(1));
    }

    @Test
    void listsFilterSortAndPage() {
        Api api = Api.freshTenant();
        for (int i = 0; i < 5; i++) {
            api.call().body(Map.of("subject", "T" + i, "priority", i % 2 == 0 ? "urgent" : "low",
                    "tags", List.of("batch"), "teamId", "00000000-0000-0000-0000-00000000000" + i))
                    .post("/v1/tickets").then().statusCode(201);
        }
        api.call().queryParam("filter", "priority==urgent;tag==batch").queryParam("sort", "subject")
                .queryParam("limit", 2).get("/v1/tickets").then().statusCode(200)
                .body("items.subject", contains("T0", "T2")).body("nextCursor", notNullValue());
        api.call().queryParam("filter", "nope==1").get("/v1/tickets").then().statusCode(400)
                .body("type", equalTo(P + "invalid-filter"));
    }

    @Test
    void badInputIsAProblemAndChangesNothing() {
        Api api = Api.freshTenant();
        api.raw().contentType("application/json").body(Map.of("subject", " ", "type", "rant", "customerId",
                "00000000-0000-0000-0000-000000000001")).post("/v1/tickets").then().statusCode(422)
                .body("type", equalTo(P + "validation-failed"));
        api.raw().contentType("application/json").body(Map.of("subject", "ok", "customerId",
                "00000000-0000-0000-0000-000000000001")).post("/v1/tickets").then().statusCode(422)
                .body("errors[0].pointer", equalTo("/customerId"));
        api.call().get("/v1/tickets/00000000-0000-0000-0000-000000000001").then().statusCode(404);
        Api.freshTenant("read-only").call().body(Map.of("subject", "x")).post("/v1/tickets").then().statusCode(403);
        assertEquals(0, Db.count("SELECT count(*) FROM ticket WHERE tenant_id = ?", api.tenant()));
    }

    static void patchStatus(Api api, String id, String status) {
        api.call().contentType("application/merge-patch+json").header("If-Match", "\"" + version(api, id) + "\"")
                .body(Map.of("status", status)).patch("/v1/tickets/" + id).then().statusCode(200);
    }

    static long version(Api api, String id) {
        return ((Number) api.call().get("/v1/tickets/" + id).then().statusCode(200).extract().path("version"))
                .longValue();
    }
}
