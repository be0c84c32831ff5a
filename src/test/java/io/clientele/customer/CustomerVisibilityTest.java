package io.clientele.customer;

import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Record visibility on customers, with the test profile's roles {@code own-sales} (sees its own customers) and
 * {@code team-sales} (sees its teams'): every read path hides the others exactly like missing records.
 */
@QuarkusTest
@WithTestResource(InfraResource.class)
class CustomerVisibilityTest {

    private static final String P = "https://clientele.io/problems/";

    private static String person(Api api, String first, String owner, String email) {
        return CustomerApiTest.create(api, Map.of("kind", "person", "firstName", first, "lastName", "Visible",
                "ownerId", owner, "emails", List.of(Map.of("address", email))));
    }

    @Test
    void ownAndTeamScopesHideOtherCustomersOnEveryPath() {
        Api admin = Api.freshTenant();
        String sams = person(admin, "Sam", "sam", "sam.customer@example.com");
        String tinas = person(admin, "Tina", "tina", "tina.customer@example.com");
        String zoes = person(admin, "Zoe", "zoe", "zoe.customer@example.com");
        String team = admin.call().body(Map.of("name", "North")).post("/v1/teams").then().statusCode(201)
                .extract().path("id");
        admin.call().body(Map.of()).put("/v1/teams/" + team + "/members/sam").then().statusCode(200);
        admin.call().body(Map.of()).put("/v1/teams/" + team + "/members/tina").then().statusCode(200);

        Api sam = admin.as("sam", "own-sales");
        Api tina = admin.as("tina", "team-sales");

        admin.call().get("/v1/customers").then().statusCode(200).body("items", hasSize(3));
        sam.call().get("/v1/customers").then().statusCode(200).body("items.id", containsInAnyOrder(sams));
        tina.call().get("/v1/customers").then().statusCode(200).body("items.id", containsInAnyOrder(sams, tinas));

        // Single reads, history, as-of reads and lookups: 404, as for a customer that does not exist.
        sam.call().get("/v1/customers/" + tinas).then().statusCode(404).body("type", equalTo(P + "not-found"));
        sam.call().get("/v1/customers/" + zoes + "/history").then().statusCode(404);
        sam.call().queryParam("asOf", "2999-01-01T00:00:00Z").get("/v1/customers/" + zoes).then().statusCode(404);
        sam.call().queryParam("email", "zoe.customer@example.com").get("/v1/customers/lookup").then().statusCode(404);
        tina.call().get("/v1/customers/" + sams).then().statusCode(200);
        tina.call().get("/v1/customers/" + zoes).then().statusCode(404);

        // Writes: hidden customers cannot be changed, deleted, tagged or merged.
        sam.call().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body(Map.of("lastName", "Changed")).patch("/v1/customers/" + zoes).then().statusCode(404);
        sam.call().header("If-Match", "\"0\"").delete("/v1/customers/" + zoes).then().statusCode(404);
        String tag = admin.call().body(Map.of("name", "Hot")).post("/v1/tags").then().statusCode(201)
                .extract().path("id");
        sam.call().body(Map.of("customerIds", List.of(sams, zoes))).post("/v1/tags/" + tag + "/assignments")
                .then().statusCode(422);
        admin.call().body(Map.of("customerIds", List.of(zoes))).post("/v1/tags/" + tag + "/assignments")
                .then().statusCode(200);
        sam.call().body(Map.of("customerIds", List.of(zoes))).post("/v1/tags/" + tag + "/removals")
                .then().statusCode(200).body("changed", equalTo(0));
        admin.call().queryParam("filter", "tag==Hot").get("/v1/customers").then().body("items", hasSize(1));
        sam.call().header("If-Match", "\"0\"").body(Map.of("mergeIds", List.of(zoes)))
                .post("/v1/customers/" + sams + "/merge").then().statusCode(422);

        // Grouping, counting, matching and exporting see only the visible customers.
        sam.call().queryParam("by", "ownerId").get("/v1/customers/groups").then().statusCode(200)
                .body("groups", hasSize(1)).body("groups[0].key.ownerId", equalTo("sam"));
        String segment = admin.call().body(Map.of("name", "Visible people", "filter", "lastName==Visible"))
                .post("/v1/segments").then().statusCode(201).extract().path("id");
        sam.call().get("/v1/segments/" + segment + "/count").then().statusCode(200).body("count", equalTo(1));
        sam.call().get("/v1/segments/" + segment + "/customers").then().statusCode(200)
                .body("items.id", containsInAnyOrder(sams));
        sam.call().body(Map.of("emails", List.of(Map.of("address", "zoe.customer@example.com"))))
                .post("/v1/customers/matches").then().statusCode(200).body("candidates", empty());
        String csv = sam.call().queryParam("format", "csv").get("/v1/customers/export").then().statusCode(200)
                .extract().asString();
        assertTrue(csv.contains("sam.customer@example.com"));
        assertFalse(csv.contains("zoe.customer@example.com"));
        assertFalse(csv.contains("tina.customer@example.com"));

        // A duplicate of a hidden customer is refused without describing it.
        sam.call().queryParam("onDuplicate", "reject")
                .body(Map.of("kind", "person", "firstName", "Zoe", "lastName", "Visible", "ownerId", "sam",
                        "emails", List.of(Map.of("address", "zoe.customer@example.com"))))
                .post("/v1/customers").then().statusCode(409).body("type", equalTo(P + "duplicate-customer"))
                .body("candidates", empty()).body("hiddenCandidates", equalTo(1));
        sam.call().queryParam("onDuplicate", "merge")
                .body(Map.of("kind", "person", "firstName", "Zoe", "lastName", "Visible", "ownerId", "sam",
                        "emails", List.of(Map.of("address", "zoe.customer@example.com"))))
                .post("/v1/customers").then().statusCode(409);

        // Team membership is read per request: once Tina leaves the team she sees only her own customers.
        admin.call().delete("/v1/teams/" + team + "/members/tina").then().statusCode(204);
        tina.call().get("/v1/customers").then().statusCode(200).body("items.id", containsInAnyOrder(tinas));
    }
}
