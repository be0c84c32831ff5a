package io.clientele.sales;

import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Sales see their own deals, managers their teams', admins everything; hidden records are 404s. */
@QuarkusTest
@WithTestResource(InfraResource.class)
class SalesVisibilityTest {

    @Test
    void salesSeeTheirOwnManagersTheirTeamsAdminsAll() {
        Api admin = Api.freshTenant("admin");
        Api alice = admin.as("alice", "sales");
        Api bob = admin.as("bob", "sales");
        Api carol = admin.as("carol", "manager");
        String customer = Sales.customer(admin, "Shared Co");
        Map<String, Object> pipeline = Sales.pipeline(admin, "P");
        String pid = (String) pipeline.get("id");
        String mine = Sales.opportunity(alice, customer, pipeline, "100");
        String his = Sales.opportunity(bob, customer, pipeline, "200");

        // Alice sees hers only: Bob's is a 404, absent from lists, the funnel and the timeline.
        alice.call().get("/v1/opportunities/" + his).then().statusCode(404);
        alice.call().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body(Map.of("title", "mine now")).patch("/v1/opportunities/" + his).then().statusCode(404);
        alice.call().get("/v1/opportunities/" + his + "/win-probability").then().statusCode(404);
        alice.call().get("/v1/opportunities").then().statusCode(200).body("items.id", containsInAnyOrder(mine));
        alice.call().get("/v1/pipelines/" + pid + "/funnel").then().body("total", equalTo(1));
        bob.call().body(Map.of("type", "note", "opportunityId", his, "subject", "private")).post("/v1/activities")
                .then().statusCode(201);
        alice.call().body(Map.of("type", "note", "opportunityId", his, "subject", "sneaky")).post("/v1/activities")
                .then().statusCode(422).body("errors[0].pointer", equalTo("/opportunityId"));
        alice.call().get("/v1/customers/" + customer + "/timeline").then().statusCode(200)
                .body("items.data.opportunityId", not(hasItem(his)))
                .body("items.data.subject", not(hasItem("private")));

        // Carol (manager) sees nothing of theirs until she shares a team with Alice.
        carol.call().get("/v1/opportunities/" + mine).then().statusCode(404);
        String team = admin.call().body(Map.of("name", "East")).post("/v1/teams").then().statusCode(201)
                .extract().path("id");
        for (String who : new String[] { "alice", "carol" }) {
            admin.call().body(Map.of("role", who.equals("carol") ? "lead" : "member"))
                    .put("/v1/teams/" + team + "/members/" + who).then().statusCode(org.hamcrest.Matchers.anyOf(
                            equalTo(200), equalTo(201)));
        }
        carol.call().get("/v1/opportunities/" + mine).then().statusCode(200);
        carol.call().get("/v1/opportunities/" + his).then().statusCode(404);
        carol.call().get("/v1/opportunities").then().body("items.id", containsInAnyOrder(mine));

        admin.call().get("/v1/opportunities").then().body("items.id", containsInAnyOrder(mine, his));
        admin.call().queryParam("teamId", team).get("/v1/pipelines/" + pid + "/funnel").then()
                .body("total", equalTo(1));
        admin.call().get("/v1/pipelines/" + pid + "/funnel").then().body("total", equalTo(2));
    }
}
