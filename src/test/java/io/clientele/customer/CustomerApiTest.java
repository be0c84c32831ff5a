package io.clientele.customer;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

@QuarkusTest
@WithTestResource(InfraResource.class)
class CustomerApiTest {

    static Map<String, Object> person(String first, String last, String email) {
        return Map.of("kind", "person", "firstName", first, "lastName", last,
                "emails", List.of(Map.of("address", email)));
    }

    static String create(Api api, Object body) {
        return api.call().body(body).post("/v1/customers").then().statusCode(201).extract().path("id");
    }

    @Test
    void createsReadsUpdatesAndDeletesAPerson() {
        Api api = Api.freshTenant("sales");
        Response created = api.call()
                .body(Map.of("kind", "person", "firstName", " Ada ", "lastName", "Lovelace",
                        "emails", List.of(Map.of("address", "Ada@Example.COM", "label", "work")),
                        "phones", List.of(Map.of("number", "020 7946 0018", "region", "GB")),
                        "addresses", List.of(Map.of("city", "London", "country", "gb")),
                        "attributes", Map.of("tier", "gold", "score", 42),
                        "externalId", "crm-1"))
                .post("/v1/customers");
        created.then().statusCode(201)
                .header("Location", org.hamcrest.Matchers.endsWith("/v1/customers/" + created.path("id")))
                .header("ETag", equalTo("\"0\""))
                .body("displayName", equalTo("Ada Lovelace"))
                .body("firstName", equalTo("Ada"))
                .body("emails[0].address", equalTo("ada@example.com"))
                .body("emails[0].primary", equalTo(true))
                .body("phones[0].number", equalTo("+442079460018"))
                .body("addresses[0].country", equalTo("GB"))
                .body("lifecycleStage", equalTo("lead"))
                .body("ownerId", equalTo(api.subject()))
                .body("attributes.score", equalTo(42));
        String id = created.path("id");

        // What the create answered is exactly what a read from the database shows.
        api.call().get("/v1/customers/" + id).then().statusCode(200)
                .header("ETag", "\"0\"").body("externalId", equalTo("crm-1"))
                .body("createdAt", equalTo(created.path("createdAt")))
                .body("updatedAt", equalTo(created.path("updatedAt")));

        api.call().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body(Map.of("lifecycleStage", "customer", "attributes", Map.of("tier", "platinum")))
                .patch("/v1/customers/" + id)
                .then().statusCode(200).header("ETag", "\"1\"")
                .body("lifecycleStage", equalTo("customer"))
                .body("attributes.tier", equalTo("platinum"))
                .body("attributes.score", equalTo(42))
                .body("version", equalTo(1));

        api.as(api.subject(), "admin").call().header("If-Match", "\"1\"").delete("/v1/customers/" + id)
                .then().statusCode(204);
        api.call().get("/v1/customers/" + id).then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("https://clientele.io/problems/not-found"));
    }

    @Test
    void mergePatchRemovesFieldsWithNullAndKeepsTheRest() {
        Api api = Api.freshTenant();
        String id = api.call().body(Map.of("kind", "person", "firstName", "Grace", "lastName", "Hopper",
                "externalId", "gh", "attributes", Map.of("a", 1, "b", 2))).post("/v1/customers")
                .then().statusCode(201).extract().path("id");
        api.call().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body("{\"externalId\": null, \"attributes\": {\"a\": null}, \"firstName\": \"Amazing Grace\"}")
                .patch("/v1/customers/" + id)
                .then().statusCode(200)
                .body("externalId", nullValue())
                .body("attributes.a", nullValue())
                .body("attributes.b", equalTo(2))
                .body("displayName", equalTo("Amazing Grace Hopper"));
    }

    @Test
    void staleOrMissingIfMatchIsRejectedAndChangesNothing() {
        Api api = Api.freshTenant();
        String id = create(api, person("Alan", "Turing", "alan@example.com"));
        api.call().contentType("application/merge-patch+json").body(Map.of("lastName", "T"))
                .patch("/v1/customers/" + id)
                .then().statusCode(428).body("type", equalTo("https://clientele.io/problems/precondition-required"));
        api.call().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body(Map.of("lastName", "Turing-1")).patch("/v1/customers/" + id).then().statusCode(200);
        api.call().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body(Map.of("lastName", "Turing-2")).patch("/v1/customers/" + id)
                .then().statusCode(412).body("type", equalTo("https://clientele.io/problems/precondition-failed"));
        api.call().header("If-Match", "\"0\"").delete("/v1/customers/" + id).then().statusCode(412);
        api.call().delete("/v1/customers/" + id).then().statusCode(428);
        api.call().get("/v1/customers/" + id).then().statusCode(200).body("lastName", equalTo("Turing-1"))
                .header("ETag", "\"1\"");
    }

    @Test
    void concurrentUpdatesWithTheSameETagLetExactlyOneWin() throws Exception {
        Api api = Api.freshTenant();
        String id = create(api, person("Race", "Condition", "race@example.com"));
        var pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String lastName = "Writer" + i;
                calls.add(() -> api.raw().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                        .body(Map.of("lastName", lastName)).patch("/v1/customers/" + id).statusCode());
            }
            List<Integer> statuses = new ArrayList<>();
            for (var f : pool.invokeAll(calls)) {
                statuses.add(f.get());
            }
            assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
            assertEquals(5, statuses.stream().filter(s -> s == 412).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
        api.call().get("/v1/customers/" + id).then().statusCode(200).header("ETag", "\"1\"");
    }

    @Test
    void ifNoneMatchAnswersNotModified() {
        Api api = Api.freshTenant();
        String id = create(api, person("Barbara", "Liskov", "bl@example.com"));
        api.call().header("If-None-Match", "\"0\"").get("/v1/customers/" + id).then().statusCode(304)
                .header("ETag", "\"0\"");
        api.call().header("If-None-Match", "\"7\"").get("/v1/customers/" + id).then().statusCode(200);
    }

    @Test
    void sparseFieldsReturnOnlyWhatWasAskedPlusId() {
        Api api = Api.freshTenant();
        String id = create(api, person("Edsger", "Dijkstra", "ed@example.com"));
        Map<String, Object> body = api.call().queryParam("fields", "displayName,emails")
                .get("/v1/customers/" + id).then().statusCode(200).extract().as(Map.class);
        assertEquals(Set.of("id", "displayName", "emails"), body.keySet());
        api.raw().queryParam("fields", "displayName,password").get("/v1/customers/" + id)
                .then().statusCode(400).body("type", equalTo("https://clientele.io/problems/invalid-parameter"));
    }

    @Test
    void companiesAndTheirPeople() {
        Api api = Api.freshTenant();
        String company = create(api, Map.of("kind", "company", "name", "Analytical Engines Ltd"));
        String person = create(api, Map.of("kind", "person", "firstName", "Charles", "lastName", "Babbage",
                "companyId", company));
        api.call().queryParam("filter", "companyId==" + company).get("/v1/customers")
                .then().statusCode(200).body("items.id", contains(person));
        // A person is not a company: referencing one is a 422 and writes nothing.
        long before = io.clientele.testing.Db.customers(api.tenant());
        api.call().body(Map.of("kind", "person", "firstName", "X", "companyId", person)).post("/v1/customers")
                .then().statusCode(422).body("errors[0].pointer", equalTo("/companyId"));
        assertEquals(before, io.clientele.testing.Db.customers(api.tenant()));
        api.call().body(Map.of("kind", "company", "firstName", "X")).post("/v1/customers")
                .then().statusCode(422).body("errors.pointer", hasItems("/name", "/firstName"));
    }

    @Test
    void externalIdIsUniquePerTenantAndReusableAfterDelete() {
        Api api = Api.freshTenant();
        String id = create(api, Map.of("kind", "company", "name", "Acme", "externalId", "ext-42"));
        api.call().body(Map.of("kind", "company", "name", "Acme 2", "externalId", "ext-42")).post("/v1/customers")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("https://clientele.io/problems/conflict"));
        // Another tenant may use the same external id.
        create(Api.freshTenant(), Map.of("kind", "company", "name", "Other", "externalId", "ext-42"));
        api.call().header("If-Match", "*").delete("/v1/customers/" + id).then().statusCode(204);
        create(api, Map.of("kind", "company", "name", "Acme again", "externalId", "ext-42"));
    }

    @Test
    void looksUpByEmailPhoneAndExternalId() {
        Api api = Api.freshTenant();
        String id = create(api, Map.of("kind", "person", "firstName", "Linus", "externalId", "L-1",
                "emails", List.of(Map.of("address", "linus@example.org")),
                "phones", List.of(Map.of("number", "+1 (415) 555-2671"))));
        api.call().queryParam("email", "LINUS@example.org").get("/v1/customers/lookup")
                .then().statusCode(200).body("id", equalTo(id)).header("ETag", notNullValue());
        api.call().queryParam("phone", "(415) 555-2671").queryParam("region", "US").get("/v1/customers/lookup")
                .then().statusCode(200).body("id", equalTo(id));
        api.call().queryParam("externalId", "L-1").get("/v1/customers/lookup")
                .then().statusCode(200).body("id", equalTo(id));
        api.call().queryParam("externalId", "nope").get("/v1/customers/lookup").then().statusCode(404);
        api.raw().get("/v1/customers/lookup").then().statusCode(400);
        api.raw().queryParam("email", "a@b.co").queryParam("externalId", "x").get("/v1/customers/lookup")
                .then().statusCode(400);
        api.raw().queryParam("phone", "12").get("/v1/customers/lookup").then().statusCode(400);

        String twin = create(api, Map.of("kind", "person", "firstName", "Linus II",
                "emails", List.of(Map.of("address", "linus@example.org"))));
        api.call().queryParam("email", "linus@example.org").get("/v1/customers/lookup")
                .then().statusCode(409)
                .body("type", equalTo("https://clientele.io/problems/ambiguous-lookup"))
                .body("candidates", containsInAnyOrder(id, twin));
    }

    @Test
    void listsWithFilterSortAndCursorPaging() {
        Api api = Api.freshTenant();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(create(api, Map.of("kind", "person", "firstName", "P" + i, "lastName", "Zed",
                    "lifecycleStage", i % 2 == 0 ? "lead" : "customer",
                    "attributes", Map.of("rank", i),
                    "emails", List.of(Map.of("address", "p" + i + "@example.com")))));
        }
        // Walk all pages of size 2 in displayName descending order.
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var spec = api.call().queryParam("limit", 2).queryParam("sort", "-displayName");
            if (cursor != null) {
                spec.queryParam("cursor", cursor);
            }
            Response page = spec.get("/v1/customers");
            page.then().statusCode(200);
            seen.addAll(page.path("items.displayName"));
            cursor = page.path("nextCursor");
            pages++;
        } while (cursor != null && pages < 10);
        assertEquals(List.of("P6 Zed", "P5 Zed", "P4 Zed", "P3 Zed", "P2 Zed", "P1 Zed", "P0 Zed"), seen);
        assertEquals(4, pages);

        api.call().queryParam("filter", "lifecycleStage==customer;attributes.rank=gt=2")
                .queryParam("sort", "displayName").get("/v1/customers")
                .then().statusCode(200).body("items.displayName", contains("P3 Zed", "P5 Zed"));
        api.call().queryParam("filter", "email==P4@EXAMPLE.com").get("/v1/customers")
                .then().statusCode(200).body("items.id", contains(ids.get(4)));
        api.call().queryParam("filter", "firstName=in=(P0,P1),lifecycleStage==customer")
                .queryParam("sort", "displayName").get("/v1/customers")
                .then().statusCode(200).body("items.displayName", contains("P0 Zed", "P1 Zed", "P3 Zed", "P5 Zed"));
    }

    @Test
    void cursorsAreTamperEvidentAndBoundToTheirQuery() {
        Api api = Api.freshTenant();
        for (int i = 0; i < 3; i++) {
            create(api, person("C" + i, "Q", "c" + i + "@example.com"));
        }
        String cursor = api.call().queryParam("limit", 1).get("/v1/customers").then().statusCode(200)
                .extract().path("nextCursor");
        assertNotNull(cursor);
        String tampered = cursor.substring(0, cursor.length() - 2)
                + (cursor.endsWith("AA") ? "BB" : "AA");
        api.raw().queryParam("cursor", tampered).queryParam("limit", 1).get("/v1/customers")
                .then().statusCode(400).body("type", equalTo("https://clientele.io/problems/invalid-cursor"));
        api.raw().queryParam("cursor", "not-a-cursor").get("/v1/customers").then().statusCode(400)
                .body("type", equalTo("https://clientele.io/problems/invalid-cursor"));
        // The same cursor with another sort order is refused rather than silently skipping rows.
        api.raw().queryParam("cursor", cursor).queryParam("sort", "-createdAt").get("/v1/customers")
                .then().statusCode(400).body("type", equalTo("https://clientele.io/problems/invalid-cursor"));
    }

    @Test
    void badListParametersAreProblems() {
        Api api = Api.freshTenant();
        api.raw().queryParam("filter", "displayName==").get("/v1/customers").then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://clientele.io/problems/invalid-filter"));
        api.raw().queryParam("filter", "password==x").get("/v1/customers").then().statusCode(400)
                .body("detail", org.hamcrest.Matchers.containsString("password"));
        api.raw().queryParam("filter", "createdAt=gt=yesterday").get("/v1/customers").then().statusCode(400);
        api.raw().queryParam("sort", "attributes.rank").get("/v1/customers").then().statusCode(400)
                .body("type", equalTo("https://clientele.io/problems/invalid-sort"));
        api.raw().queryParam("limit", 0).get("/v1/customers").then().statusCode(400)
                .body("type", equalTo("https://clientele.io/problems/invalid-parameter"));
        api.raw().queryParam("limit", 201).get("/v1/customers").then().statusCode(400);
        api.raw().queryParam("limit", "ten").get("/v1/customers").then().statusCode(400);
    }

    @Test
    void chineseNamesRoundTripAndFilter() {
        Api api = Api.freshTenant();
        String id = create(api, Map.of("kind", "person", "firstName", "小明", "lastName", "王"));
        api.call().queryParam("filter", "displayName=like=*小明*").get("/v1/customers")
                .then().statusCode(200).body("items.id", contains(id)).body("items[0].displayName", equalTo("小明 王"));
    }

    @Test
    void everyResponseCarriesARequestId() {
        Api api = Api.freshTenant();
        api.call().header("X-Request-Id", "trace-123").get("/v1/customers")
                .then().statusCode(200).header("X-Request-Id", "trace-123");
        String generated = api.call().get("/v1/customers").then().extract().header("X-Request-Id");
        assertTrue(generated != null && !generated.isBlank());
        api.raw().header("X-Request-Id", "bad id with spaces").get("/v1/customers/" + java.util.UUID.randomUUID())
                .then().statusCode(404).header("X-Request-Id", not(equalTo("bad id with spaces")))
                .body("requestId", not(emptyOrNullString()));
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            ids.add(api.call().get("/v1/customers").then().extract().header("X-Request-Id"));
        }
        assertEquals(3, ids.size());
        api.call().get("/v1/customers").then().body("items", hasSize(0));
    }
}
