package io.clientele.platform.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.clientele.testinfra.InfraResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * TLS terminating in the service, configured through the Quarkus TLS registry as docs/security.md shows, with a
 * self-signed certificate generated for the run: HTTPS answers carry HSTS, plain HTTP ones never do.
 */
@QuarkusTest
@TestProfile(TlsTest.Tls.class)
@WithTestResource(InfraResource.class)
class TlsTest {

    public static class Tls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path store = selfSigned();
            return Map.of(
                    "quarkus.tls.key-store.p12.path", store.toString(),
                    "quarkus.tls.key-store.p12.password", "test-only-password",
                    "quarkus.http.test-ssl-port", "0",
                    "quarkus.http.insecure-requests", "enabled",
                    // Two servers registering Vert.x server meters at once can trip Prometheus' "same name, same
                    // tag keys" check in the acceptor and leave the start hanging (seen once in CI); this test is
                    // about HSTS, so it runs without the HTTP server meters.
                    "quarkus.micrometer.binder.vertx.enabled", "false",
                    "quarkus.micrometer.binder.http-server.enabled", "false",
                    "clientele.hsts.max-age", "P30D");
        }

        /** A throw-away key pair and certificate for localhost, made with the JDK's keytool. */
        private static Path selfSigned() {
            try {
                Path dir = Files.createTempDirectory("clientele-tls");
                Path store = dir.resolve("server.p12");
                Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                        "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                        "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "test-only-password")
                        .redirectErrorStream(true).start();
                String out = new String(keytool.getInputStream().readAllBytes());
                if (keytool.waitFor() != 0) {
                    throw new IllegalStateException("keytool failed: " + out);
                }
                store.toFile().deleteOnExit();
                return store;
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("cannot generate a test certificate", e);
            }
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of();
        }
    }

    @TestHTTPResource(value = "/q/health/live", tls = true)
    URL https;

    @TestHTTPResource("/q/health/live")
    URL http;

    @Test
    void httpsResponsesCarryHstsAndPlainHttpOnesDoNot() {
        given().relaxedHTTPSValidation().get(https).then().statusCode(200)
                .header("Strict-Transport-Security", equalTo("max-age=2592000; includeSubDomains"));
        // The API answers over TLS too, problems included.
        given().relaxedHTTPSValidation().get(https.toString().replace("/q/health/live", "/v1/customers")).then()
                .statusCode(401).header("Strict-Transport-Security", equalTo("max-age=2592000; includeSubDomains"));
        given().get(http).then().statusCode(200).header("Strict-Transport-Security", nullValue());
    }
}
