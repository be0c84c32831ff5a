package io.clientele.platform.webhooks;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * Deliveries over HTTPS to real TLS receivers with self-signed certificates: the one trusted through
 * {@code clientele.webhooks.trust-certificates} gets its deliveries, the other fails them with a clear reason in the
 * delivery log.
 */
@QuarkusTest
@TestProfile(WebhookTlsTest.TrustedReceiver.class)
@WithTestResource(InfraResource.class)
class WebhookTlsTest {

    private static final String PASSWORD = "test-only-password";
    private static final Path DIR = tempDir();
    private static final Path TRUSTED = selfSigned("trusted");
    private static final Path UNTRUSTED = selfSigned("untrusted");
    private static HttpsServer trusted;
    private static HttpsServer untrusted;
    private static final List<String> arrived = new CopyOnWriteArrayList<>();

    public static class TrustedReceiver implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // A TLS handshake (and the first TLS set-up of the JVM) needs more than the test profile's 1 s on a
            // loaded machine; the longer retry window keeps the subscriptions enabled while the test looks.
            return Map.of("clientele.webhooks.trust-certificates", exportPem(TRUSTED).toString(),
                    "clientele.webhooks.timeout", "15s", "clientele.webhooks.retry-window", "120s");
        }
    }

    // One directory per JVM, not per class load: Quarkus loads this class twice (profile and test), and both must
    // see the same key pairs, or the trusted PEM would belong to another receiver's key.
    private static Path tempDir() {
        try {
            return Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"),
                    "clientele-webhook-tls-" + ProcessHandle.current().pid()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String keytool() {
        return Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    }

    private static void run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + out);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot run keytool", e);
        }
    }

    /** A throw-away key pair and certificate for localhost, made with the JDK's keytool. */
    private static Path selfSigned(String name) {
        Path store = DIR.resolve(name + ".p12");
        if (!Files.exists(store)) {
            run(keytool(), "-genkeypair", "-alias", "receiver", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                    "CN=localhost, O=" + name, "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASSWORD);
        }
        return store;
    }

    private static Path exportPem(Path store) {
        Path pem = DIR.resolve("trusted.pem");
        if (!Files.exists(pem)) {
            run(keytool(), "-exportcert", "-rfc", "-alias", "receiver", "-keystore", store.toString(), "-storetype",
                    "PKCS12", "-storepass", PASSWORD, "-file", pem.toString());
        }
        return pem;
    }

    private static HttpsServer receiver(Path store) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        // Every interface: "localhost" may resolve to ::1 before 127.0.0.1, and the dispatcher takes the first.
        HttpsServer server = HttpsServer.create(new InetSocketAddress(0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            arrived.add(exchange.getRequestURI().getPath() + " " + exchange.getRequestHeaders().getFirst("webhook-id"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    @BeforeAll
    static void start() throws Exception {
        trusted = receiver(TRUSTED);
        untrusted = receiver(UNTRUSTED);
    }

    @AfterAll
    static void stop() {
        trusted.stop(0);
        untrusted.stop(0);
    }

    private static String subscribe(Api api, HttpsServer server, String path) {
        Response created = api.call().body(Map.of("url", "https://localhost:" + server.getAddress().getPort() + path,
                "eventTypes", List.of("customer.created"))).post("/v1/webhooks");
        created.then().statusCode(201);
        return created.path("id");
    }

    @Test
    void deliversOverTlsToATrustedReceiverAndLogsWhyAnUntrustedOneFails() {
        Api api = Api.freshTenant();
        String good = subscribe(api, trusted, "/good");
        String bad = subscribe(api, untrusted, "/bad");
        api.call().body(Map.of("kind", "company", "name", "TLS Ltd")).post("/v1/customers").then().statusCode(201);

        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> "succeeded".equals(api.call()
                    .get("/v1/webhooks/" + good + "/deliveries").then().extract().path("items[0].status")));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String delivery = api.call().get("/v1/webhooks/" + good + "/deliveries").then().extract().path("items[0].id");
            throw new AssertionError("no successful delivery over TLS; log: " + (delivery == null ? "none"
                    : api.call().get("/v1/webhooks/" + good + "/deliveries/" + delivery).asString()), e);
        }
        assertTrue(arrived.stream().anyMatch(a -> a.startsWith("/good ")), arrived.toString());

        // The untrusted receiver never gets the request body: the handshake fails, the log says why.
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            String id = api.call().get("/v1/webhooks/" + bad + "/deliveries").then().extract().path("items[0].id");
            if (id == null) {
                return false;
            }
            List<String> errors = api.call().get("/v1/webhooks/" + bad + "/deliveries/" + id).then().statusCode(200)
                    .extract().path("attemptLog.error");
            return errors != null && !errors.isEmpty() && errors.get(0) != null;
        });
        String id = api.call().get("/v1/webhooks/" + bad + "/deliveries").then().extract().path("items[0].id");
        String error = api.call().get("/v1/webhooks/" + bad + "/deliveries/" + id).then().extract()
                .path("attemptLog[0].error");
        assertTrue(error.startsWith("TLS: the receiver's certificate is not trusted"), error);
        assertEquals(0, arrived.stream().filter(a -> a.startsWith("/bad ")).count(), arrived.toString());
    }
}
