package io.clientele.sales;

import java.util.List;
import java.util.Map;

import io.clientele.testing.Api;

/** Test fixtures for the sales module: a customer, a standard pipeline, an opportunity. */
final class Sales {

    private Sales() {
    }

    static String customer(Api api, String name) {
        return api.call().body(Map.of("kind", "company", "name", name)).post("/v1/customers").then().statusCode(201)
                .extract().path("id");
    }

    /** Pipeline "name" with stages Lead(0.1, stale after 7 days), Qualified(0.3), Proposal(0.6), Won, Lost. */
    static Map<String, Object> pipeline(Api api, String name) {
        return api.call().body(Map.of("name", name, "stages", List.of(
                Map.of("name", "Lead", "probability", 0.1, "staleAfterDays", 7),
                Map.of("name", "Qualified", "probability", 0.3),
                Map.of("name", "Proposal", "probability", 0.6),
                Map.of("name", "Won", "won", true),
                Map.of("name", "Lost", "lost", true))))
                .post("/v1/pipelines").then().statusCode(201).extract().as(Map.class);
    }

    @SuppressWarnings("unchecked")
    static String stage(Map<String, Object> pipeline, String name) {
        return ((List<Map<String, Object>>) pipeline.get("stages")).stream().filter(s -> s.get("name").equals(name))
                .map(s -> (String) s.get("id")).findFirst().orElseThrow();
    }

    static String opportunity(Api api, String customer, Map<String, Object> pipeline, String amount) {
        return api.call().body(Map.of("customerId", customer, "title", "Deal " + amount, "amount", amount,
                "currency", "EUR", "pipelineId", pipeline.get("id")))
                .post("/v1/opportunities").then().statusCode(201).extract().path("id");
    }
}
