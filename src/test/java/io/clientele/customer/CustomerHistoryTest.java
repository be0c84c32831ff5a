package io.clientele.customer;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

@QuarkusTest
@WithTestResource(InfraResource.class)
class CustomerHistoryTest {

    private static void pause() throws InterruptedException {
        Thread.sleep(30);
    }

    @Test
    void everyChangeIsRecordedFieldByFieldWithActorSourceAndCorrelation() throws Exception {
        Api api = Api.freshTenant();
        String id = api.call().header("X-Request-Id", "h-create")
                .body(Map.of("kind", "person", "firstName", "Hedy", "lastName", "Kiesler",
                        "attributes", Map.of("era", "1930s")))
                .post("/v1/customers").then().statusCode(201).extract().path("id");
        pause();
        Instant afterCreate = Instant.now();
        pause();
        api.call().header("X-Request-Id", "h-rename").header("If-Match", "\"0\"")
                .contentType("application/merge-patch+json").body(Map.of("lastName", "Lamarr"))
                .patch("/v1/customers/" + id).then().statusCode(200);
        pause();
        Instant afterRename = Instant.now();
        pause();
        api.call().header("If-Match", "\"1\"").contentType("application/merge-patch+json")
                .body("{\"attributes\": {\"era\": null, \"patent\": \"US2292387\"}}")
                .patch("/v1/customers/" + id).then().statusCode(200);
        // A patch that changes nothing records nothing.
        api.call().header("If-Match", "\"2\"").contentType("application/merge-patch+json")
                .body(Map.of("lastName", "Lamarr")).patch("/v1/customers/" + id).then().statusCode(200)
                .header("ETag", "\"2\"");
        pause();
        Instant beforeDelete = Instant.now();
        pause();
        api.call().header("If-Match", "\"2\"").delete("/v1/customers/" + id).then().statusCode(204);

        Response history = api.call().get("/v1/customers/" + id + "/history");
        history.then().statusCode(200)
                .body("items.operation", contains("delete", "update", "update", "create"))
                .body("items.version", contains(3, 2, 1, 0))
                .body("items[0].changes", hasSize(0))
                .body("items[1].changes.field", contains("attributes"))
                .body("items[1].changes[0].old.era", equalTo("1930s"))
                .body("items[1].changes[0].new.patent", equalTo("US2292387"))
                .body("items[2].changes.field", contains("displayName", "lastName"))
                .body("items[2].changes.find { it.field == 'lastName' }.old", equalTo("Kiesler"))
                .body("items[2].changes.find { it.field == 'lastName' }.new", equalTo("Lamarr"))
                .body("items[2].changes.find { it.field == 'displayName' }.new", equalTo("Hedy Lamarr"))
                .body("items[2].correlationId", equalTo("h-rename"))
                .body("items[3].correlationId", equalTo("h-create"))
                .body("items[3].changes.find { it.field == 'firstName' }.old", nullValue())
                .body("items[3].changes.find { it.field == 'firstName' }.new", equalTo("Hedy"))
                .body("items.actor", contains(api.subject(), api.subject(), api.subject(), api.subject()))
                .body("items.source", contains("api", "api", "api", "api"))
                .body("nextCursor", nullValue());

        // Reading the past: each instant shows the version current at that time.
        api.call().queryParam("asOf", afterCreate.toString()).get("/v1/customers/" + id)
                .then().statusCode(200).header("ETag", "\"0\"").body("lastName", equalTo("Kiesler"));
        api.call().queryParam("asOf", afterRename.toString()).queryParam("fields", "lastName,attributes")
                .get("/v1/customers/" + id)
                .then().statusCode(200).header("ETag", "\"1\"").body("lastName", equalTo("Lamarr"))
                .body("attributes.era", equalTo("1930s")).body("firstName", nullValue());
        api.call().queryParam("asOf", beforeDelete.toString()).get("/v1/customers/" + id)
                .then().statusCode(200).body("attributes.patent", equalTo("US2292387"));
        api.call().queryParam("asOf", Instant.now().toString()).get("/v1/customers/" + id).then().statusCode(404);
        api.call().queryParam("asOf", "2000-01-01T00:00:00Z").get("/v1/customers/" + id).then().statusCode(404);
        api.raw().queryParam("asOf", "last tuesday").get("/v1/customers/" + id).then().statusCode(400)
                .body("type", equalTo("https://clientele.io/problems/invalid-parameter"));
    }

    @Test
    void historyPagesNewestFirstAndStaysInItsTenant() {
        Api api = Api.freshTenant();
        String id = api.call().body(Map.of("kind", "company", "name", "V0")).post("/v1/customers")
                .then().statusCode(201).extract().path("id");
        for (int v = 0; v < 4; v++) {
            api.call().header("If-Match", "\"" + v + "\"").contentType("application/merge-patch+json")
                    .body(Map.of("name", "V" + (v + 1))).patch("/v1/customers/" + id).then().statusCode(200);
        }
        List<Integer> versions = new ArrayList<>();
        String cursor = null;
        do {
            var spec = api.call().queryParam("limit", 2);
            if (cursor != null) {
                spec.queryParam("cursor", cursor);
            }
            Response page = spec.get("/v1/customers/" + id + "/history");
            page.then().statusCode(200);
            versions.addAll(page.path("items.version"));
            cursor = page.path("nextCursor");
        } while (cursor != null);
        assertEquals(List.of(4, 3, 2, 1, 0), versions);

        String firstCursor = api.call().queryParam("limit", 1).get("/v1/customers/" + id + "/history")
                .then().extract().path("nextCursor");
        assertNotNull(firstCursor);
        String other = api.call().body(Map.of("kind", "company", "name", "Other")).post("/v1/customers")
                .then().statusCode(201).extract().path("id");
        // A cursor from one customer's history is refused on another's.
        api.raw().queryParam("cursor", firstCursor).get("/v1/customers/" + other + "/history").then().statusCode(400)
                .body("type", equalTo("https://clientele.io/problems/invalid-cursor"));

        Api stranger = Api.freshTenant();
        stranger.call().get("/v1/customers/" + id + "/history").then().statusCode(404);
        stranger.call().queryParam("asOf", Instant.now().toString()).get("/v1/customers/" + id).then().statusCode(404);
    }
}
