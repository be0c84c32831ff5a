package io.clientele.platform;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Contract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

@QuarkusTest
@WithTestResource(InfraResource.class)
class SecurityTest {

    private static final String P = "https://clientele.io/problems/";

    @Test
    void missingOrInvalidTokensAre401Problems() {
        Api.anonymous().get("/v1/customers").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Bearer"))
                .body("type", equalTo(P + "unauthorized"));
        var oidc = InfraResource.oidc();
        for (String token : new String[] {
                oidc.mintExpired("acme", "u1", "admin"),
                oidc.mintSignedByForeignKey("acme", "u1", "admin"),
                oidc.mintWithAudience("some-other-api", "acme", "u1", "admin"),
                "not.a.jwt" }) {
            RestAssured.given().filter(Contract.RESPONSES).auth().oauth2(token).get("/v1/customers")
                    .then().statusCode(401).contentType("application/problem+json")
                    .body("type", equalTo(P + "unauthorized"));
        }
    }

    @Test
    void tokenWithoutTenantIsForbidden() {
        String token = InfraResource.oidc().mintWithoutTenant("u1", "admin");
        RestAssured.given().filter(Contract.RESPONSES).auth().oauth2(token).get("/v1/customers")
                .then().statusCode(403).contentType("application/problem+json")
                .body("type", equalTo(P + "forbidden"));
    }

    @Test
    void rolesMapToPermissions() {
        Api admin = Api.freshTenant("admin");
        Api readOnly = admin.as("reader", "read-only");
        Api sales = admin.as("seller", "sales");
        Api nobody = admin.as("stranger", "unknown-role");
        String id = admin.call().body(Map.of("kind", "company", "name", "Initech")).post("/v1/customers")
                .then().statusCode(201).extract().path("id");
        readOnly.call().get("/v1/customers/" + id).then().statusCode(200);
        readOnly.raw().contentType("application/json").body(Map.of("kind", "company", "name", "X"))
                .post("/v1/customers").then().statusCode(403).body("type", equalTo(P + "forbidden"));
        sales.call().header("If-Match", "*").delete("/v1/customers/" + id).then().statusCode(403);
        nobody.raw().get("/v1/customers").then().statusCode(403);
        admin.call().get("/v1/customers/" + id).then().statusCode(200);
    }

    @Test
    void anotherTenantCannotSeeListChangeOrDeleteRecords() {
        Api a = Api.freshTenant("admin");
        Api b = Api.freshTenant("admin");
        String id = a.call().body(Map.of("kind", "person", "firstName", "Secret", "externalId", "s-1",
                "emails", java.util.List.of(Map.of("address", "secret@a.example")))).post("/v1/customers")
                .then().statusCode(201).extract().path("id");

        b.call().get("/v1/customers/" + id).then().statusCode(404).body("type", equalTo(P + "not-found"));
        b.call().header("If-Match", "*").contentType("application/merge-patch+json")
                .body(Map.of("firstName", "Hacked")).patch("/v1/customers/" + id).then().statusCode(404);
        b.call().header("If-Match", "*").delete("/v1/customers/" + id).then().statusCode(404);
        b.call().get("/v1/customers").then().statusCode(200).body("items", hasSize(0));
        b.call().queryParam("filter", "id==" + id).get("/v1/customers").then().statusCode(200)
                .body("items", hasSize(0));
        b.call().queryParam("email", "secret@a.example").get("/v1/customers/lookup").then().statusCode(404);
        b.call().queryParam("externalId", "s-1").get("/v1/customers/lookup").then().statusCode(404);
        // Tenant B may reuse A's external id: uniqueness is per tenant.
        b.call().body(Map.of("kind", "person", "firstName", "Other", "externalId", "s-1")).post("/v1/customers")
                .then().statusCode(201);
        // A person of tenant B cannot point at A's company.
        String company = a.call().body(Map.of("kind", "company", "name", "A Corp")).post("/v1/customers")
                .then().statusCode(201).extract().path("id");
        b.call().body(Map.of("kind", "person", "firstName", "Spy", "companyId", company)).post("/v1/customers")
                .then().statusCode(422);

        a.call().get("/v1/customers/" + id).then().statusCode(200).body("firstName", equalTo("Secret"))
                .header("ETag", "\"0\"");
    }
}
