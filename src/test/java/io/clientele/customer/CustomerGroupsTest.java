package io.clientele.customer;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@WithTestResource(InfraResource.class)
class CustomerGroupsTest {

    private static final String P = "https://clientele.io/problems/";

    private static String company(Api api, String name, String stage, String tier, Object revenue) {
        Map<String, Object> attributes = new HashMap<>();
        if (tier != null) {
            attributes.put("tier", tier);
        }
        if (revenue != null) {
            attributes.put("revenue", revenue);
        }
        return CustomerApiTest.create(api, Map.of("kind", "company", "name", name, "lifecycleStage", stage,
                "attributes", attributes));
    }

    @Test
    void countsAndSumsByUpToThreeDimensions() {
        Api api = Api.freshTenant();
        company(api, "A", "lead", "gold", 100);
        company(api, "B", "lead", "gold", 250.5);
        company(api, "C", "lead", "silver", 10);
        company(api, "D", "customer", "gold", "n/a");
        String e = company(api, "E", "customer", null, 5);
        CustomerApiTest.create(api, Map.of("kind", "person", "firstName", "Solo"));

        JsonPath groups = api.call().queryParam("by", "lifecycleStage,attributes.tier")
                .queryParam("sum", "attributes.revenue").queryParam("filter", "kind==company")
                .get("/v1/customers/groups").then().statusCode(200).body("truncated", equalTo(false))
                .body("groups", hasSize(4)).extract().jsonPath();
        // Largest group first.
        assertEquals(Map.of("lifecycleStage", "lead", "attributes.tier", "gold"), groups.getMap("groups[0].key"));
        assertEquals(2, groups.getInt("groups[0].count"));
        assertEquals(350.5, groups.getDouble("groups[0].sums['attributes.revenue']"), 1e-9);
        // The non-numeric revenue is left out of the total; a missing tier groups under null.
        Map<String, Object> byKey = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            byKey.put(groups.getString("groups[" + i + "].key.lifecycleStage") + "/"
                    + groups.getString("groups[" + i + "].key['attributes.tier']"),
                    groups.getDouble("groups[" + i + "].sums['attributes.revenue']"));
        }
        assertEquals(0.0, (Double) byKey.get("customer/gold"), 1e-9);
        assertEquals(5.0, (Double) byKey.get("customer/null"), 1e-9);

        String tag = api.call().body(Map.of("name", "Key")).post("/v1/tags").then().statusCode(201)
                .extract().path("id");
        api.call().body(Map.of("customerIds", List.of(e))).post("/v1/tags/" + tag + "/assignments")
                .then().statusCode(200);
        api.call().queryParam("by", "tag").queryParam("filter", "kind==company").get("/v1/customers/groups")
                .then().statusCode(200).body("groups[0].key.tag", equalTo(null)).body("groups[0].count", equalTo(4))
                .body("groups[1].key.tag", equalTo("key")).body("groups[1].count", equalTo(1));

        String month = java.time.LocalDate.now(java.time.ZoneOffset.UTC).withDayOfMonth(1).toString();
        api.call().queryParam("by", "createdAt:month,kind").get("/v1/customers/groups").then().statusCode(200)
                .body("groups[0].key['createdAt:month']", equalTo(month)).body("groups[0].count", equalTo(5))
                .body("groups[1].key.kind", equalTo("person"));
        api.call().queryParam("by", "kind").queryParam("limit", 1).get("/v1/customers/groups").then()
                .statusCode(200).body("groups", hasSize(1)).body("truncated", equalTo(true));

        // Another tenant sees none of these.
        Api.freshTenant().call().queryParam("by", "kind").get("/v1/customers/groups").then().statusCode(200)
                .body("groups", hasSize(0));
    }

    @Test
    void badDimensionsAreProblems() {
        Api api = Api.freshTenant();
        api.raw().get("/v1/customers/groups").then().statusCode(400)
                .body("type", equalTo(P + "invalid-parameter"));
        api.raw().queryParam("by", "shoeSize").get("/v1/customers/groups").then().statusCode(400)
                .body("detail", containsString("shoeSize"));
        api.raw().queryParam("by", "kind,ownerId,companyId,lifecycleStage").get("/v1/customers/groups").then()
                .statusCode(400);
        api.raw().queryParam("by", "kind:month").get("/v1/customers/groups").then().statusCode(400);
        api.raw().queryParam("by", "kind").queryParam("sum", "displayName").get("/v1/customers/groups").then()
                .statusCode(400);
        api.raw().queryParam("by", "attributes.bad key").get("/v1/customers/groups").then().statusCode(400);
        api.raw().queryParam("by", "kind").queryParam("filter", "kind==robot").get("/v1/customers/groups").then()
                .statusCode(400).body("type", equalTo(P + "invalid-filter"));
        api.raw().queryParam("by", "kind").queryParam("limit", 5000).get("/v1/customers/groups").then()
                .statusCode(400);
    }
}
