package io.clientele.sales;

import static org.hamcrest.Matchers.both;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.empty;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(InfraResource.class)
class WinProbabilityTest {

    @Test
    void fallsBackToTheStageProbabilityThenLearnsFromClosedDeals() {
        Api api = Api.freshTenant();
        String customer = Sales.customer(api, "Tyrell");
        Map<String, Object> pipeline = Sales.pipeline(api, "P");
        String open = Sales.opportunity(api, customer, pipeline, "5000");
        api.call().get("/v1/opportunities/" + open + "/win-probability").then().statusCode(200)
                .body("method", equalTo("stage-default")).body("probability", equalTo(0.1f))
                .body("reason", containsString("no model"));
        api.call().post("/v1/win-model/training").then().statusCode(200)
                .body("status", equalTo("insufficient-data")).body("reason", containsString("0 won"));
        api.call().get("/v1/win-model").then().statusCode(404);

        // 60 closed deals: referrals with big amounts tend to be won, cold ones lost (with exceptions).
        for (int i = 0; i < 60; i++) {
            boolean referral = i % 2 == 0;
            boolean won = referral ? i % 10 != 0 : i % 10 == 1;
            String id = api.call().body(Map.of("customerId", customer, "title", "d" + i,
                    "amount", referral ? "9000" : "300", "currency", "EUR", "pipelineId", pipeline.get("id"),
                    "source", referral ? "referral" : "cold")).post("/v1/opportunities").then().statusCode(201)
                    .extract().path("id");
            api.call().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                    .body(Map.of("stageId", Sales.stage(pipeline, won ? "Won" : "Lost")))
                    .patch("/v1/opportunities/" + id).then().statusCode(200);
        }
        api.call().post("/v1/win-model/training").then().statusCode(200)
                .body("status", equalTo("trained")).body("closedOpportunities", equalTo(60))
                .body("testSize", equalTo(12)).body("model.auc", greaterThan(0.7f))
                .body("baseline.auc", equalTo(0.5f));
        api.call().get("/v1/win-model").then().statusCode(200).body("status", equalTo("trained"));
        api.call().get("/v1/opportunities/" + open + "/win-probability").then().statusCode(200)
                .body("method", equalTo("model"))
                .body("probability", both(greaterThan(0.0f)).and(lessThan(1.0f)))
                .body("factors", not(empty()));
        String cold = api.call().body(Map.of("customerId", customer, "title", "cold", "amount", "300",
                "currency", "EUR", "pipelineId", pipeline.get("id"), "source", "cold")).post("/v1/opportunities")
                .then().statusCode(201).extract().path("id");
        float warm = api.call().get("/v1/opportunities/" + open + "/win-probability").then().extract()
                .path("probability");
        api.call().get("/v1/opportunities/" + cold + "/win-probability").then()
                .body("probability", lessThan(warm));
        // Sales people cannot retrain.
        api.as("seller", "sales").raw().post("/v1/win-model/training").then().statusCode(403);
    }

    /** The one-query scoring path answers 404 for unknown, deleted and other tenants' opportunities. */
    @Test
    void scoringAMissingOrDeletedOpportunityIsNotFound() {
        Api api = Api.freshTenant();
        String customer = Sales.customer(api, "Weyland");
        Map<String, Object> pipeline = Sales.pipeline(api, "P");
        String id = Sales.opportunity(api, customer, pipeline, "10");
        api.call().get("/v1/opportunities/" + id + "/win-probability").then().statusCode(200)
                .body("opportunityId", equalTo(id)).body("stageProbability", equalTo(0.1f));
        Api.freshTenant().call().get("/v1/opportunities/" + id + "/win-probability").then().statusCode(404);
        api.call().get("/v1/opportunities/" + java.util.UUID.randomUUID() + "/win-probability").then()
                .statusCode(404);
        api.call().header("If-Match", "\"0\"").delete("/v1/opportunities/" + id).then().statusCode(204);
        api.call().get("/v1/opportunities/" + id + "/win-probability").then().statusCode(404);
    }
}
