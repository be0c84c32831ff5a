package io.clientele.testinfra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * PostgreSQL, Kafka, Redis and an identity provider (the in-process {@link OidcIssuer} or a real
 * {@link KeycloakServer}), started concurrently and stopped together. A JVM shutdown hook stops whatever is
 * still running if the JVM exits first.
 */
public final class InfraStack implements AutoCloseable {

    /** Property names the service reads; the same for tests and local mode. */
    public static final String DATASOURCE_REACTIVE_URL = "quarkus.datasource.reactive.url";
    public static final String DATASOURCE_JDBC_URL = "quarkus.datasource.jdbc.url";
    public static final String DATASOURCE_USERNAME = "quarkus.datasource.username";
    public static final String DATASOURCE_PASSWORD = "quarkus.datasource.password";
    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String REDIS_HOSTS = "quarkus.redis.hosts";
    public static final String OIDC_AUTH_SERVER_URL = "quarkus.oidc.auth-server-url";

    /** What to start; ports 0 mean "any free port". */
    public static final class Options {
        int postgresPort;
        Path postgresData;
        int kafkaPort;
        int redisPort;
        boolean oidc = true;
        int oidcPort;
        Consumer<OidcIssuer> oidcSetup = TestRealm::applyTo;
        Supplier<KeycloakServer> keycloak;
        boolean stopKeycloak;

        public Options postgres(int port, Path dataDirectory) {
            this.postgresPort = port;
            this.postgresData = dataDirectory;
            return this;
        }

        public Options kafka(int port) {
            this.kafkaPort = port;
            return this;
        }

        public Options redis(int port) {
            this.redisPort = port;
            return this;
        }

        /** The in-process issuer on {@code port}, configured by {@code setup} (default: {@link TestRealm}). */
        public Options oidc(int port, Consumer<OidcIssuer> setup) {
            this.oidc = true;
            this.keycloak = null;
            this.oidcPort = port;
            this.oidcSetup = setup;
            return this;
        }

        /**
         * A real Keycloak instead of the in-process issuer.
         *
         * @param stopWithStack false for a Keycloak that outlives this stack, such as {@link KeycloakServer#shared}
         */
        public Options keycloak(Supplier<KeycloakServer> starter, boolean stopWithStack) {
            this.oidc = false;
            this.keycloak = starter;
            this.stopKeycloak = stopWithStack;
            return this;
        }
    }

    private final PostgresServer postgres;
    private final KafkaBroker kafka;
    private final RedisServer redis;
    private final OidcIssuer oidc;
    private final KeycloakServer keycloak;
    private final boolean stopKeycloak;
    private final Thread shutdownHook;
    private volatile boolean stopped;
    private Map<String, Long> startupTimings = Map.of();

    private InfraStack(PostgresServer postgres, KafkaBroker kafka, RedisServer redis, OidcIssuer oidc,
            KeycloakServer keycloak, boolean stopKeycloak) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.redis = redis;
        this.oidc = oidc;
        this.keycloak = keycloak;
        this.stopKeycloak = stopKeycloak;
        this.shutdownHook = new Thread(this::stopQuietly, "clientele-infra-shutdown");
    }

    /**
     * Starts everything concurrently and waits until every piece is ready. If any piece fails, the others are
     * stopped and the exception lists every failure.
     */
    public static InfraStack start(Options options) {
        // Extract redis-server before anything forks in parallel: a child forked while the file is still open for
        // writing would make its exec fail with ETXTBSY.
        RedisServer.binary();
        ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "clientele-infra-start");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<String, Long> timings = new ConcurrentHashMap<>();
            CompletableFuture<PostgresServer> pg = CompletableFuture.supplyAsync(timed("postgres", timings,
                    () -> PostgresServer.start(options.postgresPort, options.postgresData)), pool);
            CompletableFuture<KafkaBroker> kafka = CompletableFuture.supplyAsync(timed("kafka", timings, () -> {
                KafkaBroker broker = KafkaBroker.start(options.kafkaPort);
                // The service's readiness verifies its topics; producers alone would create them only on first send.
                try {
                    broker.createTopics(KafkaBroker.topicsDeclaredInApplicationProperties());
                } catch (RuntimeException e) {
                    broker.stop();
                    throw e;
                }
                return broker;
            }), pool);
            CompletableFuture<RedisServer> redis = CompletableFuture.supplyAsync(timed("redis", timings,
                    () -> RedisServer.start(options.redisPort)), pool);
            CompletableFuture<OidcIssuer> oidc = options.oidc
                    ? CompletableFuture.supplyAsync(timed("oidc", timings, () -> {
                        OidcIssuer issuer = OidcIssuer.start(options.oidcPort);
                        options.oidcSetup.accept(issuer);
                        return issuer;
                    }), pool)
                    : CompletableFuture.completedFuture(null);
            CompletableFuture<KeycloakServer> keycloak = options.keycloak != null
                    ? CompletableFuture.supplyAsync(timed("keycloak", timings, options.keycloak), pool)
                    : CompletableFuture.completedFuture(null);

            List<Throwable> failures = new ArrayList<>();
            PostgresServer p = join(pg, failures);
            KafkaBroker k = join(kafka, failures);
            RedisServer r = join(redis, failures);
            OidcIssuer o = join(oidc, failures);
            KeycloakServer kc = join(keycloak, failures);
            InfraStack stack = new InfraStack(p, k, r, o, kc, options.stopKeycloak);
            stack.startupTimings = new TreeMap<>(timings);
            if (!failures.isEmpty()) {
                stack.stopQuietly();
                IllegalStateException error = new IllegalStateException("Infrastructure did not start:\n - "
                        + String.join("\n - ", failures.stream().map(Throwable::getMessage).toList()));
                failures.forEach(error::addSuppressed);
                throw error;
            }
            Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
            return stack;
        } finally {
            pool.shutdown();
        }
    }

    private static <T> Supplier<T> timed(String name, Map<String, Long> timings, Supplier<T> start) {
        return () -> {
            long t0 = System.nanoTime();
            try {
                return start.get();
            } finally {
                timings.put(name, (System.nanoTime() - t0) / 1_000_000);
            }
        };
    }

    /** Milliseconds each piece took to become ready (they start in parallel). */
    public Map<String, Long> startupTimings() {
        return startupTimings;
    }

    private static <T> T join(CompletableFuture<T> future, List<Throwable> failures) {
        try {
            return future.join();
        } catch (CompletionException e) {
            failures.add(e.getCause() != null ? e.getCause() : e);
            return null;
        }
    }

    /** The overrides the service needs, under the property names it reads. */
    public Map<String, String> quarkusConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put(DATASOURCE_REACTIVE_URL, postgres.reactiveUrl());
        config.put(DATASOURCE_JDBC_URL, postgres.jdbcUrl());
        config.put(DATASOURCE_USERNAME, postgres.username());
        config.put(DATASOURCE_PASSWORD, postgres.password());
        config.put(KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        config.put(REDIS_HOSTS, redis.uri());
        config.put(OIDC_AUTH_SERVER_URL, tokenIssuer().issuerUrl());
        return config;
    }

    public PostgresServer postgres() {
        return postgres;
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    public RedisServer redis() {
        return redis;
    }

    /** The in-process issuer; null when this stack runs Keycloak. */
    public OidcIssuer oidc() {
        return oidc;
    }

    /** The real Keycloak; null when this stack runs the in-process issuer. */
    public KeycloakServer keycloak() {
        return keycloak;
    }

    public TokenIssuer tokenIssuer() {
        return oidc != null ? oidc : keycloak;
    }

    /** Stops everything concurrently (Kafka and Keycloak take seconds each), except a shared Keycloak. Idempotent. */
    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the JVM is already shutting down, or the hook was never registered
        }
    }

    private synchronized void stopQuietly() {
        if (stopped) {
            return;
        }
        stopped = true;
        List<Thread> stoppers = new ArrayList<>();
        stopper(stoppers, "keycloak", keycloak == null || !stopKeycloak ? null : keycloak::stop);
        stopper(stoppers, "kafka", kafka == null ? null : kafka::stop);
        stopper(stoppers, "redis", redis == null ? null : redis::stop);
        stopper(stoppers, "oidc", oidc == null ? null : oidc::stop);
        stopper(stoppers, "postgres", postgres == null ? null : postgres::stop);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (Thread t : stoppers) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void stopper(List<Thread> stoppers, String name, Runnable stop) {
        if (stop == null) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                stop.run();
            } catch (RuntimeException e) {
                System.err.println("[clientele-infra] stopping " + name + " failed: " + e);
            }
        }, "clientele-infra-stop-" + name);
        t.start();
        stoppers.add(t);
    }
}
