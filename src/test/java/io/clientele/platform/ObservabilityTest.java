package io.clientele.platform;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.clientele.testinfra.InfraResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(InfraResource.class)
class ObservabilityTest {

    @Test
    void healthReflectsDatabaseAndKafka() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Database")))
                .body("checks.name", hasItem(containsString("Messaging")));
    }

    @Test
    void prometheusMetricsAreExposed() {
        given().get("/v1/customers").then().statusCode(401);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("http_server_requests_seconds_count"))
                .body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void servedOpenApiDocumentIsTheContractFile() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode file = yaml.readTree(Files.readString(Path.of("openapi", "openapi.yaml")));
        String served = given().accept("application/yaml").get("/q/openapi").then().statusCode(200)
                .extract().asString();
        JsonNode servedTree = yaml.readTree(served);
        assertEquals(file.get("paths"), servedTree.get("paths"));
        assertEquals(file.at("/components/schemas"), servedTree.at("/components/schemas"));
        assertEquals(file.at("/info/version"), servedTree.at("/info/version"));
        assertEquals(file.get("openapi").asText(), servedTree.get("openapi").asText());
    }

    @Test
    void problemsCarryTheRequestId() {
        String body = given().header("X-Request-Id", "obs-1").get("/v1/customers").then().statusCode(401)
                .header("X-Request-Id", "obs-1").extract().asString();
        assertEquals("obs-1", given().header("X-Request-Id", "obs-1").get("/v1/customers").then().extract()
                .<Map<String, Object>>as(Map.class).get("requestId"));
        org.junit.jupiter.api.Assertions.assertTrue(body.contains("obs-1"));
    }
}
