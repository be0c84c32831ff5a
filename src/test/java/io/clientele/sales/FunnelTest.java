package io.clientele.sales;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(InfraResource.class)
class FunnelTest {

    private static void move(Api api, String id, Map<String, Object> pipeline, String... stages) {
        for (int v = 0; v < stages.length; v++) {
            api.call().header("If-Match", "\"" + v + "\"").contentType("application/merge-patch+json")
                    .body(Map.of("stageId", Sales.stage(pipeline, stages[v]))).patch("/v1/opportunities/" + id)
                    .then().statusCode(200);
        }
    }

    @Test
    void countsAmountsConversionAndWinRatePerStage() {
        Api api = Api.freshTenant();
        String customer = Sales.customer(api, "Cyberdyne");
        Map<String, Object> pipeline = Sales.pipeline(api, "P");
        String pid = (String) pipeline.get("id");
        Sales.opportunity(api, customer, pipeline, "100");
        move(api, Sales.opportunity(api, customer, pipeline, "200"), pipeline, "Qualified");
        move(api, Sales.opportunity(api, customer, pipeline, "300"), pipeline, "Qualified", "Proposal", "Won");
        move(api, Sales.opportunity(api, customer, pipeline, "400"), pipeline, "Qualified", "Lost");
        api.call().body(Map.of("customerId", customer, "title", "usd", "amount", "50", "currency", "USD",
                "pipelineId", pid, "ownerId", "someone-else", "tags", java.util.List.of("vip")))
                .post("/v1/opportunities").then().statusCode(201);

        api.call().get("/v1/pipelines/" + pid + "/funnel").then().statusCode(200)
                .body("total", equalTo(5)).body("won", equalTo(1)).body("lost", equalTo(1))
                .body("winRate", equalTo(0.5f))
                .body("stages.name", contains("Lead", "Qualified", "Proposal", "Won", "Lost"))
                .body("stages.count", contains(2, 1, 0, 1, 1))
                .body("stages.reached", contains(5, 3, 1, 1, 1))
                .body("stages[0].conversionRate", equalTo(0.6f))
                .body("stages[1].conversionRate", equalTo(0.3333f))
                .body("stages[2].conversionRate", equalTo(1.0f))
                .body("stages[4].conversionRate", nullValue())
                .body("stages[0].amounts.currency", contains("EUR", "USD"))
                .body("stages[0].amounts[0].amount", equalTo("100.00"))
                .body("stages[0].amounts[0].weightedAmount", equalTo("10.00"))
                .body("stages[1].amounts[0].weightedAmount", equalTo("60.00"));

        api.call().queryParam("ownerId", "someone-else").get("/v1/pipelines/" + pid + "/funnel").then()
                .statusCode(200).body("total", equalTo(1)).body("winRate", nullValue());
        api.call().queryParam("tag", "VIP").get("/v1/pipelines/" + pid + "/funnel").then()
                .body("total", equalTo(1));
        api.call().queryParam("from", "2000-01-01").queryParam("to", "2000-02-01")
                .get("/v1/pipelines/" + pid + "/funnel").then().body("total", equalTo(0));
        api.raw().queryParam("from", "yesterday").get("/v1/pipelines/" + pid + "/funnel").then().statusCode(400);
        Api.freshTenant().call().get("/v1/pipelines/" + pid + "/funnel").then().statusCode(404);
    }
}
