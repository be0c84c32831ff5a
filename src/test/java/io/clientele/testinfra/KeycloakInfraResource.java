package io.clientele.testinfra;

import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Test resource for the end-to-end suite: like {@link InfraResource} (real PostgreSQL, Kafka and Redis, restarted
 * per test profile), but the identity provider is the real Keycloak distribution from {@code -Dkeycloak.home}
 * (failsafe sets it) with the test realm. Keycloak starts concurrently with the rest and only once per test JVM
 * ({@link KeycloakServer#shared}): {@link #stop()} leaves it running for the next profile, and a shutdown hook
 * stops it when the JVM exits.
 */
public class KeycloakInfraResource implements QuarkusTestResourceLifecycleManager {

    public static final String KEYCLOAK_HOME = "keycloak.home";

    private static InfraStack stack;

    @Override
    public Map<String, String> start() {
        // The packaged app runs in the prod profile, which requires every secret to be given.
        Map<String, String> config = new java.util.HashMap<>(ensureStarted().quarkusConfig());
        config.put("clientele.cursor.secret", "end-to-end-test-only-cursor-secret-0123456789");
        // Field-encryption keys exist only for this run (random, never written anywhere).
        java.security.SecureRandom random = new java.security.SecureRandom();
        byte[] key = new byte[32];
        random.nextBytes(key);
        config.put("clientele.crypto.keys.1", java.util.Base64.getEncoder().encodeToString(key));
        random.nextBytes(key);
        config.put("clientele.crypto.blind-index-key", java.util.Base64.getEncoder().encodeToString(key));
        config.put("clientele.crypto.active-version", "1");
        config.put("clientele.surveys.signing-key", "end-to-end-test-only-survey-key-0123456789abc");
        return config;
    }

    @Override
    public void stop() {
        shutdown();
    }

    static synchronized InfraStack ensureStarted() {
        if (stack == null) {
            Path home = keycloakHome();
            stack = InfraStack.start(new InfraStack.Options().keycloak(() -> KeycloakServer.shared(home), false));
        }
        return stack;
    }

    static Path keycloakHome() {
        String home = System.getProperty(KEYCLOAK_HOME);
        if (home == null || home.isBlank()) {
            throw new IllegalStateException("System property " + KEYCLOAK_HOME + " is not set: run the end-to-end"
                    + " suite with `./mvnw verify` (failsafe sets it) or pass -D" + KEYCLOAK_HOME + "=<unpacked dist>");
        }
        return Path.of(home);
    }

    /** Stops PostgreSQL, Kafka and Redis now; Keycloak stays up until the JVM exits. */
    public static synchronized void shutdown() {
        if (stack != null) {
            stack.close();
            stack = null;
        }
    }

    public static KeycloakServer keycloak() {
        return running().keycloak();
    }

    public static PostgresServer postgres() {
        return running().postgres();
    }

    public static KafkaBroker kafka() {
        return running().kafka();
    }

    public static RedisServer redis() {
        return running().redis();
    }

    private static synchronized InfraStack running() {
        if (stack == null) {
            throw new IllegalStateException("KeycloakInfraResource is not started: annotate the test with "
                    + "@QuarkusTestResource(KeycloakInfraResource.class) (or @WithTestResource)");
        }
        return stack;
    }
}
