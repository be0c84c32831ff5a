package io.clientele.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.clientele.testinfra.KeycloakInfraResource;
import io.clientele.testinfra.TestRealm;
import io.clientele.testing.Contract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * The packaged service against a real Keycloak: tokens from the realm in
 * src/test/resources/keycloak, obtained over HTTP with the grants partner apps and people use.
 */
@QuarkusIntegrationTest
@WithTestResource(KeycloakInfraResource.class)
class KeycloakEndToEndIT {

    private static RequestSpecification as(String token) {
        return given().filter(Contract.FULL).auth().oauth2(token).contentType(ContentType.JSON);
    }

    @Test
    void partnerAppManagesCustomersWithAClientCredentialsToken() {
        String token = TestRealm.partnerToken(KeycloakInfraResource.keycloak());
        String id = as(token).header("Idempotency-Key", "e2e-1")
                .body(Map.of("kind", "person", "firstName", "Katherine", "lastName", "Johnson",
                        "emails", List.of(Map.of("address", "kj@acme.example")),
                        "phones", List.of(Map.of("number", "+1 757 555 0100"))))
                .post("/v1/customers").then().statusCode(201)
                .body("phones[0].number", equalTo("+17575550100")).extract().path("id");
        as(token).header("Idempotency-Key", "e2e-1")
                .body(Map.of("kind", "person", "firstName", "Katherine", "lastName", "Johnson",
                        "emails", List.of(Map.of("address", "kj@acme.example")),
                        "phones", List.of(Map.of("number", "+1 757 555 0100"))))
                .post("/v1/customers").then().statusCode(201).body("id", equalTo(id))
                .header("Idempotent-Replayed", "true");
        as(token).queryParam("email", "KJ@acme.example").get("/v1/customers/lookup").then().statusCode(200)
                .body("id", equalTo(id));
        as(token).header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body(Map.of("lifecycleStage", "customer")).patch("/v1/customers/" + id)
                .then().statusCode(200).header("ETag", "\"1\"");
    }

    @Test
    void rolesFromKeycloakDecideWhatPeopleMayDo() {
        var keycloak = KeycloakInfraResource.keycloak();
        String admin = TestRealm.passwordToken(keycloak, TestRealm.ADA_ADMIN);
        String reader = TestRealm.passwordToken(keycloak, TestRealm.RITA_READONLY);
        String id = as(admin).body(Map.of("kind", "company", "name", "Acme Rockets")).post("/v1/customers")
                .then().statusCode(201).extract().path("id");
        as(reader).get("/v1/customers/" + id).then().statusCode(200).body("name", equalTo("Acme Rockets"));
        given().filter(Contract.RESPONSES).auth().oauth2(reader).contentType(ContentType.JSON)
                .body(Map.of("kind", "company", "name", "Nope")).post("/v1/customers")
                .then().statusCode(403).body("type", equalTo("https://clientele.io/problems/forbidden"));
        as(admin).header("If-Match", "\"0\"").delete("/v1/customers/" + id).then().statusCode(204);
    }

    @Test
    void anotherTenantsUserSeesNothing() {
        var keycloak = KeycloakInfraResource.keycloak();
        String acme = TestRealm.passwordToken(keycloak, TestRealm.ADA_ADMIN);
        String globex = TestRealm.passwordToken(keycloak, TestRealm.GUS_ADMIN);
        String id = as(acme).body(Map.of("kind", "company", "name", "Acme Secret Lab", "externalId", "lab-1"))
                .post("/v1/customers").then().statusCode(201).extract().path("id");
        as(globex).get("/v1/customers/" + id).then().statusCode(404);
        as(globex).header("If-Match", "*").delete("/v1/customers/" + id).then().statusCode(404);
        as(globex).queryParam("externalId", "lab-1").get("/v1/customers/lookup").then().statusCode(404);
        as(globex).get("/v1/customers").then().statusCode(200).body("items.id", not(hasItem(id)));
        as(acme).get("/v1/customers/" + id).then().statusCode(200);
    }

    @Test
    void requestsWithoutAValidTokenAre401() {
        given().filter(Contract.RESPONSES).get("/v1/customers").then().statusCode(401)
                .contentType("application/problem+json");
        given().filter(Contract.RESPONSES).auth().oauth2("eyJhbGciOiJub25lIn0.e30.").get("/v1/customers")
                .then().statusCode(401);
    }
}
