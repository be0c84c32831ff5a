package io.clientele.customer;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
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
class MergeTest {

    private static final String P = "https://clientele.io/problems/";

    private static void patch(Api api, String id, int version, Map<String, Object> body) {
        api.call().header("If-Match", "\"" + version + "\"").contentType("application/merge-patch+json").body(body)
                .patch("/v1/customers/" + id).then().statusCode(200);
    }

    @Test
    void mergeAppliesSurvivorshipMovesTagsAndRedirectsMergedIds() {
        Api api = Api.freshTenant();
        String survivor = CustomerApiTest.create(api, Map.of("kind", "person", "firstName", "Ada",
                "lastName", "Lovelace", "emails", List.of(Map.of("address", "ada@example.com", "primary", true)),
                "attributes", Map.of("tier", "gold")));
        String older = CustomerApiTest.create(api, Map.of("kind", "person", "firstName", "Ada",
                "lastName", "King", "emails", List.of(Map.of("address", "ada.king@example.com", "primary", true),
                        Map.of("address", "ada@example.com")),
                "phones", List.of(Map.of("number", "+44 20 7946 0018")), "externalId", "legacy-7",
                "attributes", Map.of("tier", "silver", "source", "fair")));
        String tag = api.call().body(Map.of("name", "VIP")).post("/v1/tags").then().statusCode(201).extract().path("id");
        api.call().body(Map.of("customerIds", List.of(older))).post("/v1/tags/" + tag + "/assignments")
                .then().statusCode(200);

        api.call().header("If-Match", "\"0\"")
                .body(Map.of("mergeIds", List.of(older), "fields", Map.of("lastName", older)))
                .post("/v1/customers/" + survivor + "/merge").then().statusCode(200)
                .header("ETag", "\"1\"")
                .body("id", equalTo(survivor))
                .body("lastName", equalTo("King"))
                .body("externalId", equalTo("legacy-7"))
                .body("emails.address", contains("ada@example.com", "ada.king@example.com"))
                .body("emails.findAll { it.primary }", hasSize(1))
                .body("phones[0].number", equalTo("+442079460018"))
                .body("attributes.tier", equalTo("gold"))
                .body("attributes.source", equalTo("fair"));

        // The merged id answers 308 with the survivor; reads that follow the redirect land there.
        api.call().redirects().follow(false).get("/v1/customers/" + older).then().statusCode(308)
                .header("Location", "/v1/customers/" + survivor)
                .body("type", equalTo(P + "customer-merged")).body("mergedInto", equalTo(survivor));
        api.call().get("/v1/customers/" + older).then().statusCode(200).body("id", equalTo(survivor));
        api.call().redirects().follow(false).header("If-Match", "\"0\"").delete("/v1/customers/" + older)
                .then().statusCode(308);
        // Tags moved; lists and look-ups only know the survivor.
        api.call().queryParam("filter", "tag==VIP").get("/v1/customers").then().body("items.id", contains(survivor));
        api.call().queryParam("externalId", "legacy-7").get("/v1/customers/lookup").then().statusCode(200)
                .body("id", equalTo(survivor));
        api.call().get("/v1/customers").then().body("items", hasSize(1));
        // Both histories are kept: the survivor's merge entry, and the merged one's last state.
        api.call().get("/v1/customers/" + survivor + "/history").then().statusCode(200)
                .body("items[0].operation", equalTo("merge")).body("items[0].source", equalTo("merge"))
                .body("items[0].changes.field", hasItem("lastName"));
        api.call().get("/v1/customers/" + older + "/history").then().statusCode(200)
                .body("items[0].operation", equalTo("merge"))
                .body("items[0].changes.find { it.field == 'mergedInto' }.new", equalTo(survivor))
                .body("items[1].operation", equalTo("create"));
    }

    @Test
    void newestRuleTakesTheMostRecentlyUpdatedValueAndCompanyMembersMove() {
        Api api = Api.freshTenant();
        String a = CustomerApiTest.create(api, Map.of("kind", "company", "name", "Acme", "ownerId", "owner-a"));
        String b = CustomerApiTest.create(api, Map.of("kind", "company", "name", "ACME Ltd", "ownerId", "owner-b"));
        String member = CustomerApiTest.create(api, Map.of("kind", "person", "lastName", "Coyote", "companyId", b));
        patch(api, b, 0, Map.of("ownerId", "owner-new"));

        api.call().header("If-Match", "\"0\"").body(Map.of("mergeIds", List.of(b), "rule", "newest"))
                .post("/v1/customers/" + a + "/merge").then().statusCode(200)
                .body("name", equalTo("ACME Ltd")).body("ownerId", equalTo("owner-new"));
        api.call().get("/v1/customers/" + member).then().statusCode(200).body("companyId", equalTo(a))
                .body("version", equalTo(1));
        api.call().get("/v1/customers/" + member + "/history").then()
                .body("items[0].source", equalTo("merge"));
    }

    @Test
    void conflictingAndInvalidMergesChangeNothing() {
        Api api = Api.freshTenant();
        String a = CustomerApiTest.create(api, Map.of("kind", "person", "lastName", "A"));
        String b = CustomerApiTest.create(api, Map.of("kind", "person", "lastName", "B"));
        String c = CustomerApiTest.create(api, Map.of("kind", "company", "name", "C"));
        String foreign = CustomerApiTest.create(Api.freshTenant(), Map.of("kind", "person", "lastName", "F"));
        String merge = "/v1/customers/" + a + "/merge";

        api.call().body(Map.of("mergeIds", List.of(b))).post(merge).then().statusCode(428);
        api.call().header("If-Match", "\"7\"").body(Map.of("mergeIds", List.of(b))).post(merge).then()
                .statusCode(412);
        api.call().header("If-Match", "\"0\"").body(Map.of("mergeIds", List.of(c))).post(merge).then()
                .statusCode(409).body("type", equalTo(P + "conflict"));
        api.call().header("If-Match", "\"0\"").body(Map.of("mergeIds", List.of(foreign))).post(merge).then()
                .statusCode(422).body("errors[0].pointer", equalTo("/mergeIds/0"));
        api.call().header("If-Match", "\"0\"").body(Map.of("mergeIds", List.of(a, "nope", b, b), "rule", "oldest",
                "fields", Map.of("kind", b, "lastName", "x"))).post(merge).then().statusCode(422)
                .body("errors.pointer", containsInAnyOrder("/mergeIds/0", "/mergeIds/1", "/mergeIds/3", "/rule",
                        "/fields/kind", "/fields/lastName"));
        api.call().header("If-Match", "\"0\"").body(Map.of("mergeIds", List.of(b), "fields",
                Map.of("lastName", c))).post(merge).then().statusCode(422);
        api.call().header("If-Match", "\"0\"").body(Map.of("mergeIds", List.of())).post(merge).then().statusCode(422);
        api.call().get("/v1/customers/" + a).then().body("version", equalTo(0));
        api.call().get("/v1/customers/" + b).then().statusCode(200).body("version", equalTo(0));

        // Merged once; merging it again, or into it, is refused.
        api.call().header("If-Match", "\"0\"").body(Map.of("mergeIds", List.of(b))).post(merge).then().statusCode(200);
        String d = CustomerApiTest.create(api, Map.of("kind", "person", "lastName", "D"));
        api.call().header("If-Match", "\"0\"").body(Map.of("mergeIds", List.of(b)))
                .post("/v1/customers/" + d + "/merge").then().statusCode(409);
        api.call().redirects().follow(false).header("If-Match", "\"0\"").body(Map.of("mergeIds", List.of(d)))
                .post("/v1/customers/" + b + "/merge").then().statusCode(308)
                .header("Location", "/v1/customers/" + a);
        // A sales user may not merge.
        api.as("user-s", "sales").call().header("If-Match", "\"1\"").body(Map.of("mergeIds", List.of(d)))
                .post(merge).then().statusCode(403);
    }

    @Test
    void concurrentMergesOfTheSameRecordLetOneWin() {
        Api api = Api.freshTenant();
        String loser = CustomerApiTest.create(api, Map.of("kind", "person", "lastName", "Shared"));
        List<String> survivors = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            survivors.add(CustomerApiTest.create(api, Map.of("kind", "person", "lastName", "S" + i)));
        }
        List<CompletableFuture<Integer>> calls = survivors.stream().map(s -> CompletableFuture.supplyAsync(
                () -> api.call().header("If-Match", "\"0\"").body(Map.of("mergeIds", List.of(loser)))
                        .post("/v1/customers/" + s + "/merge").statusCode())).toList();
        List<Integer> statuses = calls.stream().map(CompletableFuture::join).toList();
        assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        assertEquals(3, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        assertEquals(1, Db.count("SELECT count(*) FROM change_history WHERE entity_id = CAST(? AS uuid)"
                + " AND operation = 'merge'", loser));
    }
}
