package io.clientele.customer;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(InfraResource.class)
class DuplicatesTest {

    private static final String P = "https://clientele.io/problems/";

    private static Map<String, Object> person(String first, String last, String email) {
        return email == null ? Map.of("kind", "person", "firstName", first, "lastName", last)
                : Map.of("kind", "person", "firstName", first, "lastName", last,
                        "emails", List.of(Map.of("address", email)));
    }

    @Test
    void exactKeysAndFuzzyNamesAreScoredWithReasons() {
        Api api = Api.freshTenant();
        String ada = CustomerApiTest.create(api, Map.of("kind", "person", "firstName", "Ada", "lastName", "Lovelace",
                "emails", List.of(Map.of("address", "ada@example.com")),
                "phones", List.of(Map.of("number", "+44 20 7946 0018")),
                "addresses", List.of(Map.of("line1", "12 St James's Square", "postalCode", "SW1Y 4LB",
                        "country", "GB"))));
        String other = CustomerApiTest.create(api, person("Charles", "Babbage", "charles@example.com"));

        // Same email in another case: exact match, likely.
        api.call().body(Map.of("emails", List.of(Map.of("address", "ADA@example.com"))))
                .post("/v1/customers/matches").then().statusCode(200)
                .body("candidates.customer.id", contains(ada))
                .body("candidates[0].confidence", equalTo("likely"))
                .body("candidates[0].reasons.field", hasItem("emails"))
                .body("thresholds.likely", equalTo(0.8f));
        // Same phone written nationally.
        api.call().body(Map.of("phones", List.of(Map.of("number", "020 7946 0018", "region", "GB"))))
                .post("/v1/customers/matches").then().statusCode(200)
                .body("candidates.customer.id", contains(ada)).body("candidates[0].reasons[0].field", equalTo("phones"));
        // Typo, swapped names and an accent: found through phonetic / trigram keys, with a name reason.
        for (Map<String, Object> probe : List.of(person("Adda", "Lovelace", null), person("Lovelace", "Ada", null),
                person("Ada", "Lövelace", null), person("Ada", "Lovelance", null))) {
            api.call().body(probe).post("/v1/customers/matches").then().statusCode(200)
                    .body("candidates.customer.id", contains(ada))
                    .body("candidates[0].reasons.field", hasItem("name"))
                    .body("candidates[0].confidence", equalTo("possible"));
        }
        // Name plus the same address is likely.
        api.call().body(Map.of("firstName", "Ada", "lastName", "Lovelace", "addresses",
                List.of(Map.of("line1", "12 St. James's Square", "postalCode", "sw1y4lb", "country", "GB"))))
                .post("/v1/customers/matches").then().statusCode(200)
                .body("candidates[0].customer.id", equalTo(ada))
                .body("candidates[0].confidence", equalTo("likely"))
                .body("candidates[0].reasons.method", hasItem("postalCode"));
        // Unrelated person: nothing.
        api.call().body(person("Grace", "Hopper", "grace@example.com")).post("/v1/customers/matches")
                .then().statusCode(200).body("candidates", hasSize(0));
        // A stored customer's duplicates never include itself.
        api.call().get("/v1/customers/" + other + "/duplicates").then().statusCode(200).body("candidates", hasSize(0));
    }

    @Test
    void anExactContactMatchIsFoundAmongManyNamesakes() {
        Api api = Api.freshTenant();
        for (int i = 0; i < 70; i++) {
            CustomerApiTest.create(api, person("John", "Smith", null));
        }
        String john = CustomerApiTest.create(api, person("John", "Smith", "john.smith@example.com"));
        api.call().body(person("Jon", "Smith", "john.smith@example.com")).post("/v1/customers/matches")
                .then().statusCode(200).body("candidates[0].customer.id", equalTo(john))
                .body("candidates[0].confidence", equalTo("likely"))
                .body("candidates", hasSize(10));
    }

    @Test
    void chineseAndOtherScriptsMatchTheirTransliterations() {
        Api api = Api.freshTenant();
        String wang = CustomerApiTest.create(api, Map.of("kind", "person", "lastName", "王", "firstName", "小明"));
        String ivan = CustomerApiTest.create(api, person("Иван", "Петров", null));
        String acme = CustomerApiTest.create(api, Map.of("kind", "company", "name", "北京科技有限公司"));

        api.call().body(person("Xiaoming", "Wang", null)).post("/v1/customers/matches").then().statusCode(200)
                .body("candidates.customer.id", contains(wang));
        // A homophone character (晓 for 小) and the whole name in one field.
        api.call().body(Map.of("kind", "person", "lastName", "王晓明")).post("/v1/customers/matches")
                .then().statusCode(200).body("candidates.customer.id", contains(wang));
        api.call().body(person("Ivan", "Petrov", null)).post("/v1/customers/matches").then().statusCode(200)
                .body("candidates.customer.id", contains(ivan));
        // A company is only ever compared with companies, and legal forms do not count.
        api.call().body(Map.of("kind", "company", "name", "北京科技")).post("/v1/customers/matches")
                .then().statusCode(200).body("candidates.customer.id", contains(acme));
        api.call().body(Map.of("kind", "person", "lastName", "北京科技")).post("/v1/customers/matches")
                .then().statusCode(200).body("candidates", hasSize(0));
    }

    @Test
    void createPoliciesRejectMergeOrAllow() {
        Api api = Api.freshTenant();
        String ada = CustomerApiTest.create(api, person("Ada", "Lovelace", "ada@example.com"));

        api.call().queryParam("onDuplicate", "reject").body(person("Ada", "Lovelace", "ada@example.com"))
                .post("/v1/customers").then().statusCode(409)
                .body("type", equalTo(P + "duplicate-customer"))
                .body("candidates.id", contains(ada))
                .body("candidates[0].score", greaterThanOrEqualTo(0.8f))
                .body("candidates[0].reasons.field", hasItem("emails"));
        assertEquals(1, Db.customers(api.tenant()));

        // Merge: the request fills the existing customer's gaps; 200, not 201.
        api.call().queryParam("onDuplicate", "merge")
                .body(Map.of("kind", "person", "firstName", "Ada", "lastName", "Lovelace",
                        "emails", List.of(Map.of("address", "ada@example.com")),
                        "phones", List.of(Map.of("number", "+44 20 7946 0018")), "externalId", "legacy-1"))
                .post("/v1/customers").then().statusCode(200)
                .header("Location", endsWith("/v1/customers/" + ada))
                .body("id", equalTo(ada)).body("externalId", equalTo("legacy-1"))
                .body("phones[0].number", equalTo("+442079460018")).body("version", equalTo(1));
        assertEquals(1, Db.customers(api.tenant()));

        api.call().queryParam("onDuplicate", "allow").body(person("Ada", "Lovelace", "ada@example.com"))
                .post("/v1/customers").then().statusCode(201);
        assertEquals(2, Db.customers(api.tenant()));

        api.raw().contentType("application/json").queryParam("onDuplicate", "maybe")
                .body(person("Ada", "Lovelace", null)).post("/v1/customers").then().statusCode(400)
                .body("type", equalTo(P + "invalid-parameter"));
        assertEquals(2, Db.customers(api.tenant()));
    }

    @Test
    void concurrentRejectingCreatesOfTheSameEmailLeaveOne() {
        Api api = Api.freshTenant();
        List<CompletableFuture<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> api.call().queryParam("onDuplicate", "reject")
                    .body(person("Ada", "Lovelace", "race@example.com")).post("/v1/customers").statusCode()));
        }
        List<Integer> statuses = calls.stream().map(CompletableFuture::join).toList();
        assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
        assertEquals(5, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        assertEquals(1, Db.customers(api.tenant()));
    }

    @Test
    void updatePolicyRejectsAChangeThatCreatesADuplicate() {
        Api api = Api.freshTenant();
        CustomerApiTest.create(api, person("Ada", "Lovelace", "ada@example.com"));
        String grace = CustomerApiTest.create(api, person("Grace", "Hopper", "grace@example.com"));
        api.call().queryParam("onDuplicate", "reject").header("If-Match", "\"0\"")
                .contentType("application/merge-patch+json")
                .body(Map.of("firstName", "Ada", "lastName", "Lovelace",
                        "emails", List.of(Map.of("address", "ada@example.com"))))
                .patch("/v1/customers/" + grace).then().statusCode(409)
                .body("type", equalTo(P + "duplicate-customer"));
        // The same email alone is not enough: the names disagree (a shared mailbox).
        api.call().queryParam("onDuplicate", "reject").header("If-Match", "\"0\"")
                .contentType("application/merge-patch+json")
                .body(Map.of("emails", List.of(Map.of("address", "ada@example.com"))))
                .patch("/v1/customers/" + grace).then().statusCode(200);
        api.call().get("/v1/customers/" + grace).then().body("version", equalTo(1))
                .body("firstName", equalTo("Grace"));
        // Changes that do not touch identity are never checked.
        api.call().queryParam("onDuplicate", "reject").header("If-Match", "\"1\"")
                .contentType("application/merge-patch+json").body(Map.of("lifecycleStage", "customer"))
                .patch("/v1/customers/" + grace).then().statusCode(200);
        api.raw().queryParam("onDuplicate", "merge").header("If-Match", "\"2\"")
                .contentType("application/merge-patch+json").body("{\"lifecycleStage\":\"lead\"}")
                .patch("/v1/customers/" + grace).then().statusCode(400);
    }

    @Test
    void tenantSettingsChangeThresholdsAndDefaultPolicy() {
        Api api = Api.freshTenant();
        api.call().get("/v1/settings/duplicates").then().statusCode(200).header("ETag", "\"0\"")
                .body("default", equalTo(true)).body("createPolicy", equalTo("allow"));
        Map<String, Object> strict = Map.of("possibleThreshold", 0.4, "likelyThreshold", 0.7,
                "createPolicy", "reject", "updatePolicy", "reject");
        api.call().body(strict).put("/v1/settings/duplicates").then().statusCode(428);
        api.call().header("If-Match", "\"0\"").body(strict).put("/v1/settings/duplicates").then().statusCode(200)
                .header("ETag", "\"1\"").body("default", equalTo(false)).body("likelyThreshold", equalTo(0.7f));
        api.call().header("If-Match", "\"0\"").body(strict).put("/v1/settings/duplicates").then().statusCode(412);
        // Invalid settings: 422 with pointers, nothing saved.
        api.call().header("If-Match", "\"1\"").body(Map.of("possibleThreshold", 0.9, "likelyThreshold", 1.5,
                "createPolicy", "maybe", "updatePolicy", "merge")).put("/v1/settings/duplicates")
                .then().statusCode(422).body("errors.pointer", org.hamcrest.Matchers.containsInAnyOrder(
                        "/likelyThreshold", "/createPolicy", "/updatePolicy"));
        // Another tenant keeps the defaults.
        Api.freshTenant().call().get("/v1/settings/duplicates").then().body("default", equalTo(true));
        // A sales user may read but not change the settings.
        api.as("user-s", "sales").call().header("If-Match", "\"1\"").body(strict).put("/v1/settings/duplicates")
                .then().statusCode(403);

        // The tenant's default is now reject, with the lower likely threshold (name + phonetic match).
        CustomerApiTest.create(api, person("Ada", "Lovelace", null));
        api.call().body(person("Ada", "Lovelace", null)).post("/v1/customers").then().statusCode(409)
                .body("candidates[0].score", lessThan(0.8f));
        api.call().queryParam("minScore", "0.95").body(person("Ada", "Lovelace", null)).post("/v1/customers/matches")
                .then().statusCode(200).body("candidates", hasSize(0));
        api.call().body(person("Ada", "Lovelace", null)).post("/v1/customers/matches").then().statusCode(200)
                .body("candidates.confidence", everyItem(equalTo("likely")));
    }

    @Test
    void matchProbesAreValidated() {
        Api api = Api.freshTenant();
        api.raw().contentType("application/json").body("{\"emails\":[{\"address\":\"not-an-email\"}]}")
                .post("/v1/customers/matches").then().statusCode(422).body("errors[0].pointer",
                        equalTo("/emails/0/address"));
        api.call().queryParam("minScore", "2").body(person("A", "B", null)).post("/v1/customers/matches")
                .then().statusCode(400).body("type", equalTo(P + "invalid-parameter"));
        api.call().queryParam("limit", "0").body(person("A", "B", null)).post("/v1/customers/matches")
                .then().statusCode(400);
        Api.freshTenant().call().get("/v1/customers/00000000-0000-0000-0000-000000000001/duplicates")
                .then().statusCode(404);
    }
}
