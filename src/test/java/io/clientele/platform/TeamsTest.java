package io.clientele.platform;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(InfraResource.class)
class TeamsTest {

    private static final String P = "https://clientele.io/problems/";

    @Test
    void teamsAreDefinedRenamedAndHoldMembers() {
        Api admin = Api.freshTenant();
        String id = admin.call().body(Map.of("name", "EMEA sales")).post("/v1/teams")
                .then().statusCode(201).header("ETag", "\"0\"").extract().path("id");
        admin.call().body(Map.of("name", "emea SALES")).post("/v1/teams").then().statusCode(409)
                .body("type", equalTo(P + "conflict"));

        admin.call().body(Map.of("role", "lead")).put("/v1/teams/" + id + "/members/max")
                .then().statusCode(200).body("role", equalTo("lead"));
        admin.call().body(Map.of()).put("/v1/teams/" + id + "/members/sam").then().statusCode(200)
                .body("role", equalTo("member"));
        // Repeating a PUT changes nothing; changing the role updates it.
        admin.call().body(Map.of()).put("/v1/teams/" + id + "/members/sam").then().statusCode(200);
        admin.raw().contentType("application/json").body(Map.of("role", "chief")).put("/v1/teams/" + id + "/members/sam").then().statusCode(422);
        admin.call().get("/v1/teams/" + id + "/members").then().statusCode(200)
                .body("items.subject", contains("max", "sam")).body("items.role", contains("lead", "member"));

        admin.call().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body(Map.of("name", "Europe sales")).patch("/v1/teams/" + id)
                .then().statusCode(200).header("ETag", "\"1\"").body("name", equalTo("Europe sales"));
        admin.call().queryParam("filter", "name=like=europe*").get("/v1/teams").then().statusCode(200)
                .body("items", hasSize(1));

        admin.call().delete("/v1/teams/" + id + "/members/nobody").then().statusCode(404);
        admin.call().delete("/v1/teams/" + id + "/members/sam").then().statusCode(204);
        admin.call().get("/v1/teams/" + id + "/members").then().body("items.subject", contains("max"));

        admin.call().header("If-Match", "\"0\"").delete("/v1/teams/" + id).then().statusCode(412);
        admin.call().header("If-Match", "\"1\"").delete("/v1/teams/" + id).then().statusCode(204);
        admin.call().get("/v1/teams/" + id).then().statusCode(404);
    }

    @Test
    void onlyTeamWritersChangeTeamsAndTenantsDoNotShareThem() {
        Api admin = Api.freshTenant();
        String id = admin.call().body(Map.of("name", "Support")).post("/v1/teams")
                .then().statusCode(201).extract().path("id");
        Api sales = admin.as("sam", "sales");
        sales.call().get("/v1/teams/" + id).then().statusCode(200);
        sales.call().body(Map.of("name", "Mine")).post("/v1/teams").then().statusCode(403);
        sales.call().body(Map.of()).put("/v1/teams/" + id + "/members/sam").then().statusCode(403);

        Api stranger = Api.freshTenant();
        stranger.call().get("/v1/teams/" + id).then().statusCode(404);
        stranger.call().body(Map.of()).put("/v1/teams/" + id + "/members/x").then().statusCode(404);
    }
}
