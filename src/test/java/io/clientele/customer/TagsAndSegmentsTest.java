package io.clientele.customer;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(InfraResource.class)
class TagsAndSegmentsTest {

    private static final String P = "https://clientele.io/problems/";

    private static List<String> customers(Api api, int n, String stage) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(CustomerApiTest.create(api, Map.of("kind", "company", "name", stage + " Co " + i,
                    "lifecycleStage", stage, "attributes", Map.of("employees", 10 * (i + 1)))));
        }
        return ids;
    }

    @Test
    void tagsAreDefinedRenamedAssignedInBulkAndFilterable() {
        Api api = Api.freshTenant();
        List<String> leads = customers(api, 3, "lead");
        List<String> clients = customers(api, 2, "customer");
        String vip = api.call().body(Map.of("name", "VIP", "color", "#FFAA00")).post("/v1/tags")
                .then().statusCode(201).header("ETag", "\"0\"").body("color", equalTo("#ffaa00"))
                .extract().path("id");
        api.call().body(Map.of("name", "vip")).post("/v1/tags").then().statusCode(409)
                .body("type", equalTo(P + "conflict"));

        List<String> some = List.of(leads.get(0), clients.get(0), clients.get(1));
        api.call().body(Map.of("customerIds", some)).post("/v1/tags/" + vip + "/assignments")
                .then().statusCode(200).body("changed", equalTo(3)).body("unchanged", equalTo(0));
        // Assigning again changes nothing.
        api.call().body(Map.of("customerIds", List.of(leads.get(0), leads.get(1))))
                .post("/v1/tags/" + vip + "/assignments")
                .then().statusCode(200).body("changed", equalTo(1)).body("unchanged", equalTo(1));

        api.call().queryParam("filter", "tag==Vip").queryParam("sort", "displayName").get("/v1/customers")
                .then().statusCode(200).body("items.id", containsInAnyOrder(leads.get(0), leads.get(1),
                        clients.get(0), clients.get(1)));
        api.call().queryParam("filter", "tag==vip;lifecycleStage==lead").get("/v1/customers")
                .then().statusCode(200).body("items", hasSize(2));

        // Renaming keeps the assignments.
        api.call().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body(Map.of("name", "Key account")).patch("/v1/tags/" + vip)
                .then().statusCode(200).body("name", equalTo("Key account")).header("ETag", "\"1\"");
        api.call().queryParam("filter", "tag=='key account'").get("/v1/customers").then().statusCode(200)
                .body("items", hasSize(4));

        api.call().body(Map.of("customerIds", List.of(leads.get(1), leads.get(2))))
                .post("/v1/tags/" + vip + "/removals")
                .then().statusCode(200).body("changed", equalTo(1)).body("unchanged", equalTo(1));
        api.call().queryParam("filter", "tag=='key account'").get("/v1/customers").then().body("items", hasSize(3));

        api.call().queryParam("filter", "name=like=key*").get("/v1/tags").then().statusCode(200)
                .body("items.name", contains("Key account"));
        api.call().header("If-None-Match", "\"1\"").get("/v1/tags/" + vip).then().statusCode(304);
        api.call().header("If-Match", "\"1\"").delete("/v1/tags/" + vip).then().statusCode(204);
        api.call().get("/v1/tags/" + vip).then().statusCode(404);
        api.call().queryParam("filter", "tag=='key account'").get("/v1/customers").then().body("items", hasSize(0));
        assertEquals(0, Db.count("SELECT count(*) FROM customer_tag WHERE tenant_id = ?", api.tenant()));
    }

    @Test
    void assignmentIsAllOrNothingAndTenantScoped() {
        Api api = Api.freshTenant();
        List<String> mine = customers(api, 2, "lead");
        Api other = Api.freshTenant();
        String theirs = customers(other, 1, "lead").get(0);
        String tag = api.call().body(Map.of("name", "Partner")).post("/v1/tags").then().statusCode(201)
                .extract().path("id");
        api.call().body(Map.of("customerIds", List.of(mine.get(0), theirs, UUID.randomUUID().toString())))
                .post("/v1/tags/" + tag + "/assignments")
                .then().statusCode(422).body("errors.pointer", contains("/customerIds/1", "/customerIds/2"));
        api.raw().contentType("application/json").body(Map.of("customerIds", List.of("nope")))
                .post("/v1/tags/" + tag + "/assignments").then().statusCode(422)
                .body("errors[0].pointer", equalTo("/customerIds/0"));
        api.raw().contentType("application/json").body(Map.of("customerIds", List.of()))
                .post("/v1/tags/" + tag + "/assignments").then().statusCode(422);
        assertEquals(0, Db.count("SELECT count(*) FROM customer_tag WHERE tenant_id = ?", api.tenant()));
        other.call().get("/v1/tags/" + tag).then().statusCode(404);
        other.call().body(Map.of("customerIds", List.of(theirs))).post("/v1/tags/" + tag + "/assignments")
                .then().statusCode(404);
        api.raw().contentType("application/json").body(Map.of("name", "  ")).post("/v1/tags").then().statusCode(422);
        api.raw().contentType("application/json").body(Map.of("name", "x", "color", "red")).post("/v1/tags")
                .then().statusCode(422).body("errors[0].pointer", equalTo("/color"));
    }

    @Test
    void segmentsAreLiveSavedFilters() {
        Api api = Api.freshTenant();
        List<String> leads = customers(api, 3, "lead");
        customers(api, 2, "customer");
        String segment = api.call().body(Map.of("name", "Big leads", "description", "Leads over 15 people",
                "filter", "lifecycleStage==lead;attributes.employees=gt=15")).post("/v1/segments")
                .then().statusCode(201).body("filter", equalTo("lifecycleStage==lead;attributes.employees=gt=15"))
                .extract().path("id");
        api.call().get("/v1/segments/" + segment + "/count").then().statusCode(200).body("count", equalTo(2));
        api.call().queryParam("sort", "displayName").get("/v1/segments/" + segment + "/customers")
                .then().statusCode(200).body("items.id", contains(leads.get(1), leads.get(2)));
        // Membership is dynamic: a change to a customer moves it in or out.
        api.call().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body(Map.of("lifecycleStage", "customer")).patch("/v1/customers/" + leads.get(2))
                .then().statusCode(200);
        api.call().get("/v1/segments/" + segment + "/count").then().body("count", equalTo(1));
        // An extra filter narrows the members; it cannot widen them.
        api.call().queryParam("filter", "lifecycleStage==customer").get("/v1/segments/" + segment + "/customers")
                .then().statusCode(200).body("items", hasSize(0));
        api.call().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body(Map.of("filter", "lifecycleStage==customer")).patch("/v1/segments/" + segment)
                .then().statusCode(200).header("ETag", "\"1\"");
        api.call().get("/v1/segments/" + segment + "/count").then().body("count", equalTo(3));
        // Paging through members with cursors.
        String cursor = api.call().queryParam("limit", 2).queryParam("filter", "kind==company")
                .get("/v1/segments/" + segment + "/customers").then().statusCode(200).body("items", hasSize(2))
                .extract().path("nextCursor");
        api.call().queryParam("limit", 2).queryParam("filter", "kind==company").queryParam("cursor", cursor)
                .get("/v1/segments/" + segment + "/customers").then().statusCode(200).body("items", hasSize(1))
                .body("nextCursor", org.hamcrest.Matchers.nullValue());

        api.call().body(Map.of("name", "big LEADS", "filter", "kind==person")).post("/v1/segments")
                .then().statusCode(409);
        api.call().body(Map.of("name", "Broken", "filter", "shoeSize==44")).post("/v1/segments")
                .then().statusCode(422).body("errors[0].pointer", equalTo("/filter"))
                .body("errors[0].detail", containsString("shoeSize"));
        api.call().body(Map.of("name", "Empty")).post("/v1/segments").then().statusCode(422)
                .body("errors.pointer", hasItems("/filter"));
        api.call().header("If-Match", "\"1\"").contentType("application/merge-patch+json")
                .body(Map.of("filter", "createdAt=gt=someday")).patch("/v1/segments/" + segment)
                .then().statusCode(422);
        api.call().queryParam("filter", "name=like=big*").get("/v1/segments").then().statusCode(200)
                .body("items.id", contains(segment));
        Api.freshTenant().call().get("/v1/segments/" + segment + "/customers").then().statusCode(404);
        api.call().header("If-Match", "\"1\"").delete("/v1/segments/" + segment).then().statusCode(204);
        api.call().get("/v1/segments/" + segment).then().statusCode(404);
    }
}
