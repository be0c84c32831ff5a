package io.clientele.testinfra;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Test resource for {@code @QuarkusTest} / {@code @QuarkusIntegrationTest}: real PostgreSQL, Kafka and Redis plus
 * the in-process {@link OidcIssuer} (with the {@link TestRealm} clients and users), started concurrently once and
 * shared by every test class using this resource.
 *
 * <p>"Once" means once per Quarkus test application: Quarkus loads test classes (this one included) in a new
 * class loader for each test profile, so a profile switch stops the servers (Quarkus calls {@link #stop()}) and
 * the next profile starts fresh ones, about 5 s here. Keep the suite on one profile where possible.
 */
public class InfraResource implements QuarkusTestResourceLifecycleManager {

    private static InfraStack stack;

    @Override
    public Map<String, String> start() {
        return ensureStarted().quarkusConfig();
    }

    @Override
    public void stop() {
        shutdown();
    }

    static synchronized InfraStack ensureStarted() {
        if (stack == null) {
            stack = InfraStack.start(new InfraStack.Options());
        }
        return stack;
    }

    /** Stops every server now (tests normally leave this to the lifecycle). */
    public static synchronized void shutdown() {
        if (stack != null) {
            stack.close();
            stack = null;
        }
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

    public static OidcIssuer oidc() {
        return running().oidc();
    }

    private static synchronized InfraStack running() {
        if (stack == null) {
            throw new IllegalStateException("InfraResource is not started: annotate the test with "
                    + "@WithTestResource(InfraResource.class) (or @WithTestResource)");
        }
        return stack;
    }
}
