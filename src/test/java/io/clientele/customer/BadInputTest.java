package io.clientele.customer;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/** Bad input gets a precise problem+json and changes nothing. */
@QuarkusTest
@WithTestResource(InfraResource.class)
class BadInputTest {

    private static final String P = "https://clientele.io/problems/";

    private ValidatableResponse post(Api api, String body) {
        return api.raw().contentType("application/json").body(body).post("/v1/customers").then()
                .contentType("application/problem+json")
                .body("stackTrace", org.hamcrest.Matchers.nullValue())
                .body("detail", not(containsString("io.clientele")))
                .body("detail", not(containsString("Exception")));
    }

    @Test
    void malformedJsonWrongTypesAndUnknownFieldsAre400() {
        Api api = Api.freshTenant();
        post(api, "{\"kind\": \"person\", ").statusCode(400).body("type", equalTo(P + "malformed-request"));
        post(api, "[1,2]").statusCode(400).body("type", equalTo(P + "malformed-request"));
        post(api, "{\"kind\": \"person\", \"firstName\": 12}").statusCode(400)
                .body("detail", containsString("/firstName"));
        post(api, "{\"kind\": \"person\", \"firstName\": \"A\", \"emails\": \"a@b.co\"}").statusCode(400)
                .body("detail", containsString("/emails"));
        post(api, "{\"kind\": \"person\", \"firstName\": \"A\", \"companyId\": \"not-a-uuid\"}").statusCode(400)
                .body("detail", containsString("/companyId"));
        post(api, "{\"kind\": \"person\", \"firstName\": \"A\", \"shoeSize\": 44}").statusCode(400)
                .body("detail", containsString("shoeSize"));
        post(api, "{\"kind\": \"person\", \"firstName\": \"A\", \"emails\": [{\"address\": \"a@b.co\", \"x\": 1}]}")
                .statusCode(400).body("detail", containsString("/emails/0"));
        post(api, "").statusCode(400);
        assertEquals(0, Db.customers(api.tenant()));
    }

    @Test
    void ruleViolationsAre422WithPointers() {
        Api api = Api.freshTenant();
        post(api, "{}").statusCode(422).body("type", equalTo(P + "validation-failed"))
                .body("errors.pointer", hasItem("/kind"));
        post(api, "{\"kind\": \"robot\"}").statusCode(422).body("errors.pointer", hasItem("/kind"));
        String longName = "x".repeat(201);
        post(api, "{\"kind\": \"person\", \"firstName\": \"" + longName + "\"}").statusCode(422)
                .body("errors[0].pointer", equalTo("/firstName"))
                .body("errors[0].detail", containsString("200"));
        post(api, """
                {"kind": "person", "firstName": "A",
                 "emails": [{"address": "not-an-email"}, {"address": "ok@example.com"}, {"address": "OK@example.com"}],
                 "phones": [{"number": "12345"}, {"number": "555-0100"}, {"number": "+1 202 555 0199", "region": "XX"}],
                 "addresses": [{"country": "Narnia"}, {}],
                 "lifecycleStage": "royalty",
                 "attributes": {"bad key": 1}}
                """).statusCode(422)
                .body("errors.pointer", hasItems("/emails/0/address", "/emails/2/address", "/phones/0/number",
                        "/phones/1/number", "/phones/2/region", "/addresses/0/country", "/addresses/1",
                        "/lifecycleStage", "/attributes/bad key"));
        post(api, "{\"kind\": \"person\", \"firstName\": \"A\\u0007B\"}").statusCode(422)
                .body("errors[0].detail", containsString("control"));
        assertEquals(0, Db.customers(api.tenant()));
    }

    @Test
    void oversizeBodiesAre413AndWrongMediaTypes415() {
        Api api = Api.freshTenant();
        String huge = "{\"kind\": \"person\", \"firstName\": \"A\", \"attributes\": {\"blob\": \""
                + "y".repeat(300_000) + "\"}}";
        post(api, huge).statusCode(413).body("type", equalTo(P + "payload-too-large"));
        api.raw().contentType("text/plain").body("kind=person").post("/v1/customers").then().statusCode(415)
                .contentType("application/problem+json").body("type", equalTo(P + "unsupported-media-type"));
        String big = "{\"kind\": \"person\", \"firstName\": \"A\", \"attributes\": {\"blob\": \""
                + "y".repeat(20_000) + "\"}}";
        post(api, big).statusCode(422).body("errors[0].pointer", equalTo("/attributes"));
        assertEquals(0, Db.customers(api.tenant()));
    }

    @Test
    void badPatchesChangeNothing() {
        Api api = Api.freshTenant();
        String id = CustomerApiTest.create(api, Map.of("kind", "person", "firstName", "Kurt", "lastName", "Gödel",
                "emails", List.of(Map.of("address", "kurt@example.com"))));
        api.raw().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body("{\"emails\": [{\"address\": \"broken\"}]}").patch("/v1/customers/" + id)
                .then().statusCode(422).body("errors[0].pointer", equalTo("/emails/0/address"));
        api.raw().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body("{\"kind\": \"company\"}").patch("/v1/customers/" + id)
                .then().statusCode(422).body("errors[0].pointer", equalTo("/kind"));
        api.raw().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body("{\"id\": \"x\"}").patch("/v1/customers/" + id)
                .then().statusCode(400).body("detail", containsString("id"));
        api.raw().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body("{nope").patch("/v1/customers/" + id).then().statusCode(400);
        api.raw().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body("[]").patch("/v1/customers/" + id).then().statusCode(400);
        api.raw().header("If-Match", "\"0\"").contentType("application/json")
                .body("{\"firstName\": \"K\"}").patch("/v1/customers/" + id).then().statusCode(415);
        api.raw().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body("{\"firstName\": \"K\"}").patch("/v1/customers/not-a-uuid")
                .then().statusCode(400).body("type", equalTo(P + "invalid-parameter"));
        api.call().get("/v1/customers/" + id).then().statusCode(200).header("ETag", "\"0\"")
                .body("firstName", equalTo("Kurt"));
    }

    @Test
    void unknownRoutesAndMethodsAreProblems() {
        Api api = Api.freshTenant();
        api.raw().get("/v1/nothing-here").then().statusCode(404).contentType("application/problem+json");
        api.raw().header("Accept", "application/xml").get("/v1/customers").then().statusCode(406)
                .contentType("application/problem+json");
    }
}
