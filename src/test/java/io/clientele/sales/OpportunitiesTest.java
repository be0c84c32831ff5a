package io.clientele.sales;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(InfraResource.class)
class OpportunitiesTest {

    private static final String P = "https://clientele.io/problems/";

    @Test
    void opportunityMovesThroughStagesWithStageAndFieldHistory() {
        Api api = Api.freshTenant();
        String customer = Sales.customer(api, "Acme");
        Map<String, Object> pipeline = Sales.pipeline(api, "New business");
        String id = api.call().body(Map.of("customerId", customer, "title", "Acme renewal", "amount", "1250.5",
                "currency", "EUR", "pipelineId", pipeline.get("id"), "tags", List.of("Upsell"),
                "expectedCloseDate", "2026-12-31", "source", "web", "attributes", Map.of("seats", 40)))
                .post("/v1/opportunities").then().statusCode(201).header("ETag", "\"0\"")
                .body("amount", equalTo("1250.50")).body("stageName", equalTo("Lead"))
                .body("probability", equalTo(0.1f)).body("status", equalTo("open"))
                .body("ownerId", equalTo(api.subject())).body("tags", contains("upsell"))
                .extract().path("id");

        api.call().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body(Map.of("stageId", Sales.stage(pipeline, "Proposal"), "amount", "2000"))
                .patch("/v1/opportunities/" + id).then().statusCode(200).header("ETag", "\"1\"")
                .body("stageName", equalTo("Proposal")).body("amount", equalTo("2000.00"));
        api.call().header("If-Match", "\"1\"").contentType("application/merge-patch+json")
                .body(Map.of("stageId", Sales.stage(pipeline, "Won"), "closeReason", "best price"))
                .patch("/v1/opportunities/" + id).then().statusCode(200)
                .body("status", equalTo("won")).body("closedAt", notNullValue());

        api.call().get("/v1/opportunities/" + id + "/stage-history").then().statusCode(200)
                .body("items", hasSize(3))
                .body("items[0].stageId", equalTo(Sales.stage(pipeline, "Lead")))
                .body("items[0].exitedAt", notNullValue())
                .body("items[2].stageId", equalTo(Sales.stage(pipeline, "Won")))
                .body("items[2].exitedAt", nullValue());
        api.call().get("/v1/opportunities/" + id + "/history").then().statusCode(200)
                .body("items", hasSize(3))
                .body("items[0].changes.field", hasItem("stageId"))
                .body("items[1].changes.field", hasItem("amount"));

        api.call().queryParam("filter", "status==won;tag==upsell").get("/v1/opportunities").then().statusCode(200)
                .body("items.id", contains(id));
        api.call().queryParam("filter", "status==open").get("/v1/opportunities").then().body("items", hasSize(0));
        // Other tenants do not see it.
        Api.freshTenant().call().get("/v1/opportunities/" + id).then().statusCode(404);
    }

    @Test
    void invalidStageMovesAreRefusedAndChangeNothing() {
        Api api = Api.freshTenant();
        String customer = Sales.customer(api, "Globex");
        Map<String, Object> first = Sales.pipeline(api, "First");
        Map<String, Object> second = Sales.pipeline(api, "Second");
        String id = Sales.opportunity(api, customer, first, "100");

        // A stage of another pipeline, without moving the pipeline.
        api.call().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body(Map.of("stageId", Sales.stage(second, "Qualified"))).patch("/v1/opportunities/" + id)
                .then().statusCode(422).body("type", equalTo(P + "validation-failed"))
                .body("errors[0].pointer", equalTo("/stageId"));
        // Another pipeline without a stage of it.
        api.call().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body(Map.of("pipelineId", second.get("id"))).patch("/v1/opportunities/" + id)
                .then().statusCode(422).body("errors[0].pointer", equalTo("/stageId"));
        // An unknown stage on create.
        api.call().body(Map.of("customerId", customer, "title", "x", "amount", "1", "currency", "EUR",
                "pipelineId", first.get("id"), "stageId", java.util.UUID.randomUUID().toString()))
                .post("/v1/opportunities").then().statusCode(422).body("errors[0].pointer", equalTo("/stageId"));
        api.call().get("/v1/opportunities/" + id).then().statusCode(200).header("ETag", "\"0\"")
                .body("stageName", equalTo("Lead"));
        assertEquals(1, Db.count("SELECT count(*) FROM opportunity_stage_period WHERE opportunity_id = ?::uuid", id));

        // Moving to the other pipeline with one of its stages is fine.
        api.call().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body(Map.of("pipelineId", second.get("id"), "stageId", Sales.stage(second, "Qualified")))
                .patch("/v1/opportunities/" + id).then().statusCode(200)
                .body("pipelineId", equalTo(second.get("id"))).body("stageName", equalTo("Qualified"));
    }

    @Test
    void currencyAndAmountErrorsAreValidationProblems() {
        Api api = Api.freshTenant();
        String customer = Sales.customer(api, "Initech");
        Map<String, Object> pipeline = Sales.pipeline(api, "P");
        Map<String, String[]> cases = new java.util.LinkedHashMap<>();
        cases.put("XYZ", new String[] { "10", "/currency" });
        cases.put("eur", new String[] { "10", "/currency" });
        cases.put("JPY", new String[] { "10.5", "/amount" });
        cases.put("EUR", new String[] { "10.123", "/amount" });
        cases.put("USD", new String[] { "-5", "/amount" });
        cases.put("GBP", new String[] { "1e3", "/amount" });
        for (var c : cases.entrySet()) {
            api.call().body(Map.of("customerId", customer, "title", "x", "amount", c.getValue()[0],
                    "currency", c.getKey(), "pipelineId", pipeline.get("id")))
                    .post("/v1/opportunities").then().statusCode(422).body("type", equalTo(P + "validation-failed"))
                    .body("errors.pointer", contains(c.getValue()[1]));
        }
        assertEquals(0, Db.count("SELECT count(*) FROM opportunity WHERE tenant_id = ?", api.tenant()));
        // Exact decimals: JPY has none, BHD three.
        api.call().body(Map.of("customerId", customer, "title", "yen", "amount", "1200", "currency", "JPY",
                "pipelineId", pipeline.get("id"))).post("/v1/opportunities").then().statusCode(201)
                .body("amount", equalTo("1200"));
        String bhd = api.call().body(Map.of("customerId", customer, "title", "dinar", "amount", "999999999999999.999",
                "currency", "BHD", "pipelineId", pipeline.get("id"))).post("/v1/opportunities").then()
                .statusCode(201).body("amount", equalTo("999999999999999.999")).extract().path("id");
        // Switching the currency keeps the amount; too many decimals for the new one is refused.
        api.call().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body(Map.of("currency", "JPY")).patch("/v1/opportunities/" + bhd).then().statusCode(422)
                .body("errors[0].pointer", equalTo("/amount"));
    }

    @Test
    void concurrentUpdatesWithTheSameETagLetExactlyOneWin() throws Exception {
        Api api = Api.freshTenant();
        String customer = Sales.customer(api, "Umbrella");
        Map<String, Object> pipeline = Sales.pipeline(api, "P");
        String id = Sales.opportunity(api, customer, pipeline, "10");
        List<String> stages = List.of("Qualified", "Proposal", "Won", "Lost");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (String s : stages) {
                calls.add(() -> api.call().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                        .body(Map.of("stageId", Sales.stage(pipeline, s))).patch("/v1/opportunities/" + id)
                        .then().extract().statusCode());
            }
            Map<Integer, Integer> statuses = new HashMap<>();
            for (Future<Integer> f : pool.invokeAll(calls)) {
                statuses.merge(f.get(), 1, Integer::sum);
            }
            assertEquals(Map.of(200, 1, 412, 3), statuses);
        } finally {
            pool.shutdown();
        }
        // One move: the first stay ended once, the second is open.
        assertEquals(2, Db.count("SELECT count(*) FROM opportunity_stage_period WHERE opportunity_id = ?::uuid", id));
        assertEquals(1, Db.count("SELECT count(*) FROM opportunity_stage_period WHERE opportunity_id = ?::uuid"
                + " AND exited_at IS NULL", id));
        api.call().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body(Map.of("title", "stale")).patch("/v1/opportunities/" + id).then().statusCode(412)
                .body("type", equalTo(P + "precondition-failed"));
        api.call().contentType("application/merge-patch+json").body(Map.of("title", "no etag"))
                .patch("/v1/opportunities/" + id).then().statusCode(428);
    }

    @Test
    void stagesAreRenamedReorderedAddedAndDeletedWithATargetForTheirOpportunities() {
        Api api = Api.freshTenant();
        String customer = Sales.customer(api, "Hooli");
        Map<String, Object> pipeline = Sales.pipeline(api, "P");
        String pid = (String) pipeline.get("id");
        String a = Sales.opportunity(api, customer, pipeline, "1");
        String b = Sales.opportunity(api, customer, pipeline, "2");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> stages = new ArrayList<>((List<Map<String, Object>>) pipeline.get("stages"));
        // Rename Lead and swap Qualified/Proposal.
        List<Map<String, Object>> edited = new ArrayList<>();
        for (Map<String, Object> s : stages) {
            Map<String, Object> copy = new HashMap<>(s);
            copy.remove("position");
            if (s.get("name").equals("Lead")) {
                copy.put("name", "Prospect");
            }
            edited.add(copy);
        }
        java.util.Collections.swap(edited, 1, 2);
        api.call().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body(Map.of("stages", edited)).patch("/v1/pipelines/" + pid).then().statusCode(200)
                .body("stages.name", contains("Prospect", "Proposal", "Qualified", "Won", "Lost"))
                .header("ETag", "\"1\"");
        api.call().get("/v1/opportunities/" + a).then().body("stageName", equalTo("Prospect"))
                .header("ETag", "\"0\"");
        // Dropping a stage from the list is not how stages are deleted.
        api.call().header("If-Match", "\"1\"").contentType("application/merge-patch+json")
                .body(Map.of("stages", edited.subList(0, 4))).patch("/v1/pipelines/" + pid).then().statusCode(422);

        api.call().header("If-Match", "\"1\"").body(Map.of("name", "Negotiation", "probability", 0.8,
                "position", 3)).post("/v1/pipelines/" + pid + "/stages").then().statusCode(201)
                .body("stages.name", contains("Prospect", "Proposal", "Qualified", "Negotiation", "Won", "Lost"));

        String lead = Sales.stage(pipeline, "Lead");
        api.call().header("If-Match", "\"2\"").delete("/v1/pipelines/" + pid + "/stages/" + lead).then()
                .statusCode(409).body("opportunities", equalTo(2));
        api.call().header("If-Match", "\"2\"").queryParam("moveTo", lead)
                .delete("/v1/pipelines/" + pid + "/stages/" + lead).then().statusCode(400);
        api.call().header("If-Match", "\"2\"").queryParam("moveTo", Sales.stage(pipeline, "Qualified"))
                .delete("/v1/pipelines/" + pid + "/stages/" + lead).then().statusCode(200)
                .body("stages.name", contains("Proposal", "Qualified", "Negotiation", "Won", "Lost"));
        for (String o : List.of(a, b)) {
            api.call().get("/v1/opportunities/" + o).then().body("stageName", equalTo("Qualified"))
                    .header("ETag", "\"1\"");
            api.call().get("/v1/opportunities/" + o + "/stage-history").then().body("items", hasSize(2));
        }
        api.call().header("If-Match", "\"3\"").delete("/v1/pipelines/" + pid).then().statusCode(409);
    }

    @Test
    void activitiesAndTasksAreLoggedAgainstOpportunities() {
        Api api = Api.freshTenant();
        String customer = Sales.customer(api, "Stark");
        Map<String, Object> pipeline = Sales.pipeline(api, "P");
        String opp = Sales.opportunity(api, customer, pipeline, "5");
        api.call().body(Map.of("type", "call", "opportunityId", opp, "subject", "Intro call"))
                .post("/v1/activities").then().statusCode(201).body("customerId", equalTo(customer));
        String task = api.call().body(Map.of("type", "task", "opportunityId", opp, "subject", "Send proposal",
                "dueAt", "2030-01-01T09:00:00Z")).post("/v1/activities").then().statusCode(201)
                .body("status", equalTo("open")).body("assigneeId", equalTo(api.subject())).extract().path("id");
        api.call().body(Map.of("type", "call", "subject", "No customer")).post("/v1/activities").then()
                .statusCode(422);
        api.call().body(Map.of("type", "note", "customerId", customer, "subject", "x", "dueAt",
                "2030-01-01T09:00:00Z")).post("/v1/activities").then().statusCode(422)
                .body("errors[0].pointer", equalTo("/dueAt"));
        api.call().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body(Map.of("status", "done")).patch("/v1/activities/" + task).then().statusCode(200)
                .body("completedAt", notNullValue());
        api.call().queryParam("filter", "opportunityId==" + opp + ";type==task;status==done").get("/v1/activities")
                .then().statusCode(200).body("items.id", contains(task));
        api.call().get("/v1/customers/" + customer + "/timeline").then().statusCode(200)
                .body("items.kind", hasItem("task")).body("items.kind", hasItem("activity"))
                .body("items.kind", hasItem("opportunity")).body("items.kind", hasItem("change"));
    }
}
