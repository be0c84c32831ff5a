package io.clientele.testinfra;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

/**
 * {@code ./mvnw -Plocal}: provisions PostgreSQL (persistent), Kafka, Redis and an OIDC issuer with a demo tenant
 * on fixed local ports, runs the packaged service against them and prints how to call it. Ctrl-C stops it all.
 *
 * <p>System properties: {@code clientele.app.jar} (required), {@code clientele.local.dir} (data and logs,
 * default {@code target/local}), {@code clientele.local.http-port} (default 8080), and, when a default port is
 * taken, {@code clientele.local.postgres-port} (15432), {@code .kafka-port} (19092), {@code .redis-port} (16379),
 * {@code .oidc-port} (18180). Any {@code -Dclientele.local.app.<name>=<value>} is passed on to the service as
 * {@code -D<name>=<value>}.
 */
public final class LocalStack {

    public static final int POSTGRES_PORT = 15432;
    public static final int KAFKA_PORT = 19092;
    public static final int REDIS_PORT = 16379;
    public static final int OIDC_PORT = 18180;
    public static final int DEFAULT_HTTP_PORT = 8080;

    public static final String DEMO_TENANT = "demo";
    /** Machine client of the demo; it gets admin (besides integration) so the demo can do everything. */
    public static final String DEMO_CLIENT = "demo-partner";
    public static final String DEMO_CLIENT_SECRET = "demo-partner-secret";
    /** Public client for the password grant of the demo users. */
    public static final String DEMO_PORTAL = "demo-portal";
    public static final String DEMO_PASSWORD = "demo";

    private static final String APP_PROPERTY_PREFIX = "clientele.local.app.";
    /** Only for local mode: the packaged service has no default and refuses to start without one. */
    private static final String LOCAL_CURSOR_SECRET = "local-mode-only-cursor-secret-not-for-production-0123";
    private static final Duration APP_READY_TIMEOUT = Duration.ofMinutes(3);

    private LocalStack() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(required("clientele.app.jar")).toAbsolutePath();
        Path dir = Path.of(System.getProperty("clientele.local.dir", "target/local")).toAbsolutePath();
        int httpPort = Integer.getInteger("clientele.local.http-port", DEFAULT_HTTP_PORT);
        int postgresPort = Integer.getInteger("clientele.local.postgres-port", POSTGRES_PORT);
        int kafkaPort = Integer.getInteger("clientele.local.kafka-port", KAFKA_PORT);
        int redisPort = Integer.getInteger("clientele.local.redis-port", REDIS_PORT);
        int oidcPort = Integer.getInteger("clientele.local.oidc-port", OIDC_PORT);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The service is not packaged: " + jar + " does not exist."
                    + " Run `./mvnw -Plocal` (it packages first) or `./mvnw package -DskipTests` and retry.");
        }
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("PostgreSQL (-Dclientele.local.postgres-port)", postgresPort);
        ports.put("Kafka (-Dclientele.local.kafka-port)", kafkaPort);
        ports.put("Redis (-Dclientele.local.redis-port)", redisPort);
        ports.put("OIDC issuer (-Dclientele.local.oidc-port)", oidcPort);
        ports.put("service HTTP (-Dclientele.local.http-port)", httpPort);
        requirePortsFree(ports, dir);
        Files.createDirectories(dir.resolve("logs"));
        System.setProperty("testinfra.log-dir", dir.resolve("logs").toString());
        quietInfrastructureLogging();

        log("starting PostgreSQL :" + postgresPort + ", Kafka :" + kafkaPort + ", Redis :" + redisPort
                + ", OIDC issuer :" + oidcPort + " (logs in " + dir.resolve("logs") + ")");
        long t0 = System.nanoTime();
        InfraStack stack = InfraStack.start(new InfraStack.Options()
                .postgres(postgresPort, dir.resolve("pg"))
                .kafka(kafkaPort)
                .redis(redisPort)
                .oidc(oidcPort, LocalStack::demoRealm));
        log("infrastructure ready in " + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms "
                + stack.startupTimings() + "; starting " + jar);

        Process app;
        try {
            app = launchService(jar, dir, httpPort, stack.quarkusConfig());
        } catch (IOException | RuntimeException e) {
            stack.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Ctrl-C: the terminal also signals the service; make sure it is gone before the database goes away.
            InfraSupport.killTree(app, Duration.ofSeconds(30));
            stack.close();
        }, "clientele-local-shutdown"));

        String base = "http://localhost:" + httpPort;
        try {
            InfraSupport.await("Clientele service on port " + httpPort, APP_READY_TIMEOUT, Duration.ofMillis(500),
                    () -> {
                        HttpResponse<String> ready = get(base + "/q/health/ready");
                        if (ready.statusCode() != 200 || !ready.body().contains("UP")) {
                            throw new IOException("HTTP " + ready.statusCode() + " " + ready.body());
                        }
                    }, app::isAlive, () -> "(the service logs to this console; see above)");
        } catch (RuntimeException e) {
            InfraSupport.killTree(app, Duration.ofSeconds(10));
            stack.close();
            throw e;
        }
        System.out.println(banner(base, dir, probe(base + "/q/swagger-ui/"), stack));

        int exit = app.waitFor();
        stack.close();
        if (exit != 0 && exit != 130 && exit != 143) {
            throw new IllegalStateException("The service exited with code " + exit + "; infrastructure stopped.");
        }
        log("service stopped; infrastructure stopped.");
    }

    /** The demo tenant: one machine client that can do everything, and a user per everyday role. */
    static void demoRealm(OidcIssuer issuer) {
        issuer.registerClient(DEMO_CLIENT, DEMO_CLIENT_SECRET, DEMO_TENANT, "admin", "integration");
        issuer.registerPasswordClient(DEMO_PORTAL, null);
        issuer.registerUser("demo.admin", DEMO_PASSWORD, DEMO_TENANT, "admin");
        issuer.registerUser("demo.sales", DEMO_PASSWORD, DEMO_TENANT, "sales");
        issuer.registerUser("demo.agent", DEMO_PASSWORD, DEMO_TENANT, "agent");
    }

    /**
     * Field-encryption keys for local mode only: generated randomly on first start and kept next to the local
     * database (target/local/crypto-dev.properties), so a restart still decrypts what the last run stored.
     */
    static Map<String, String> devCryptoKeys(Path dir) throws IOException {
        Path file = dir.resolve("crypto-dev.properties");
        java.util.Properties keys = new java.util.Properties();
        if (java.nio.file.Files.exists(file)) {
            try (var in = java.nio.file.Files.newInputStream(file)) {
                keys.load(in);
            }
        } else {
            java.security.SecureRandom random = new java.security.SecureRandom();
            byte[] key = new byte[32];
            random.nextBytes(key);
            keys.setProperty("clientele.crypto.keys.1", java.util.Base64.getEncoder().encodeToString(key));
            random.nextBytes(key);
            keys.setProperty("clientele.crypto.blind-index-key", java.util.Base64.getEncoder().encodeToString(key));
            keys.setProperty("clientele.crypto.active-version", "1");
            java.nio.file.Files.createDirectories(dir);
            try (var out = java.nio.file.Files.newOutputStream(file)) {
                keys.store(out, "Local development keys (./mvnw -Plocal); never use them anywhere else");
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        keys.stringPropertyNames().forEach(name -> out.put(name, keys.getProperty(name)));
        return out;
    }

    private static Process launchService(Path jar, Path dir, int httpPort, Map<String, String> infraConfig)
            throws IOException {
        Map<String, String> props = new LinkedHashMap<>(infraConfig);
        props.put("quarkus.http.port", Integer.toString(httpPort));
        if (System.getenv("CLIENTELE_CURSOR_SECRET") == null) {
            props.put("clientele.cursor.secret", LOCAL_CURSOR_SECRET);
        }
        devCryptoKeys(dir).forEach(props::put);
        if (System.getenv("CLIENTELE_SURVEY_SIGNING_KEY") == null) {
            props.put("clientele.surveys.signing-key", "local-mode-only-survey-key-not-for-production-0123");
        }
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith(APP_PROPERTY_PREFIX))
                .forEach(name -> props.put(name.substring(APP_PROPERTY_PREFIX.length()), System.getProperty(name)));

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Without a cap the JVM may grow its heap to a quarter of RAM; the live data is tens of MB.
        command.add("-Xmx" + System.getProperty("clientele.local.heap", "512m"));
        props.forEach((name, value) -> command.add("-D" + name + "=" + value));
        command.add("-jar");
        command.add(jar.toString());
        return new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
    }

    private static String banner(String base, Path dir, boolean swaggerUi, InfraStack stack) {
        String issuer = stack.oidc().issuerUrl();
        String line = "=".repeat(100);
        return String.join("\n",
                "",
                line,
                " Clientele is running in local mode. Ctrl-C stops the service and all infrastructure.",
                line,
                " API          " + base + "/v1",
                " OpenAPI      " + base + "/q/openapi",
                swaggerUi ? " Swagger UI   " + base + "/q/swagger-ui" : " Swagger UI   (not included in this build)",
                " Health       " + base + "/q/health",
                " Metrics      " + base + "/q/metrics",
                "",
                " PostgreSQL   127.0.0.1:" + stack.postgres().port() + " db " + PostgresServer.DATABASE + ", user "
                        + PostgresServer.USERNAME + " (data kept in " + dir.resolve("pg") + ")",
                " Kafka        " + stack.kafka().bootstrapServers() + " (data discarded on exit)",
                " Redis        127.0.0.1:" + stack.redis().port(),
                " OIDC issuer  " + issuer,
                " Demo tenant '" + DEMO_TENANT + "': client " + DEMO_CLIENT + " / " + DEMO_CLIENT_SECRET
                        + " (roles admin, integration);",
                "              users demo.admin, demo.sales, demo.agent (password '" + DEMO_PASSWORD
                        + "', password grant via public client " + DEMO_PORTAL + ")",
                "",
                " Try it:",
                "",
                "TOKEN=$(curl -s -d grant_type=client_credentials -d client_id=" + DEMO_CLIENT + " -d client_secret="
                        + DEMO_CLIENT_SECRET + " " + issuer + "/protocol/openid-connect/token"
                        + " | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')",
                "",
                "curl -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' -d '{\"kind\":\"person\","
                        + "\"firstName\":\"Ada\",\"lastName\":\"Lovelace\","
                        + "\"emails\":[{\"address\":\"ada@example.com\"}]}' "
                        + base + "/v1/customers",
                "",
                "curl -H \"Authorization: Bearer $TOKEN\" " + base + "/v1/customers",
                "",
                " As a user: TOKEN=$(curl -s -d grant_type=password -d client_id=" + DEMO_PORTAL
                        + " -d username=demo.sales -d password=" + DEMO_PASSWORD + " " + issuer
                        + "/protocol/openid-connect/token | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')",
                line,
                "");
    }

    private static void requirePortsFree(Map<String, Integer> ports, Path dir) {
        List<String> taken = new ArrayList<>();
        ports.forEach((what, port) -> {
            try {
                InfraSupport.requirePortFree(port, what);
            } catch (IllegalStateException e) {
                taken.add(e.getMessage());
            }
        });
        if (!taken.isEmpty()) {
            throw new IllegalStateException("Local mode needs fixed ports that are taken:\n - "
                    + String.join("\n - ", taken)
                    + "\nIs another `./mvnw -Plocal` still running? If one was killed, its PostgreSQL may survive: "
                    + "stop it with `kill $(head -1 " + dir.resolve("pg/postmaster.pid") + ")`.");
        }
    }

    /** Kafka's broker logs a lot at INFO; in local mode the console belongs to the service. */
    private static void quietInfrastructureLogging() {
        for (String category : List.of("org.apache.kafka", "kafka", "state.change.logger", "io.zonky")) {
            try {
                org.jboss.logmanager.LogContext.getLogContext().getLogger(category).setLevel(Level.WARNING);
            } catch (LinkageError e) {
                java.util.logging.Logger.getLogger(category).setLevel(Level.WARNING);
            }
        }
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).followRedirects(HttpClient.Redirect.NORMAL)
                .build().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static boolean probe(String url) {
        try {
            return get(url).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + property
                    + " is not set; run through `./mvnw -Plocal`.");
        }
        return value;
    }

    private static void log(String message) {
        System.out.println("[clientele-local] " + message);
    }
}
