package io.clientele.testinfra;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real Keycloak distribution in dev mode ({@code kc.sh start-dev}, H2 database) with the test realm
 * {@code src/test/resources/keycloak/clientele-realm.json} imported. Slow: the first start of a freshly unpacked
 * distribution runs Keycloak's build step (about 2.5 min here), later starts take about a minute; hence
 * {@link #shared(Path)}, one instance for the whole test JVM.
 */
public final class KeycloakServer implements TokenIssuer, AutoCloseable {

    public static final String REALM = "clientele";
    public static final String REALM_RESOURCE = "keycloak/clientele-realm.json";
    /** Bootstrap admin of the master realm (test-only). */
    public static final String ADMIN_USERNAME = "admin";
    public static final String ADMIN_PASSWORD = "admin";
    public static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(6);

    /** "port pid processStartMillis startupMillis" of the JVM-wide instance; must outlive class loaders. */
    private static final String SHARED_PROPERTY = "testinfra.keycloak.shared";

    /** Null for an instance attached from another class loader; otherwise kept so the watchdog pipe stays open. */
    private final Process process;
    private final ProcessHandle handle;
    private final int port;
    private final Path log;
    private final Duration startupTime;

    private KeycloakServer(Process process, ProcessHandle handle, int port, Path log, Duration startupTime) {
        this.process = process;
        this.handle = handle;
        this.port = port;
        this.log = log;
        this.startupTime = startupTime;
    }

    /**
     * The Keycloak of this JVM: started on first use and stopped by a shutdown hook when the JVM exits. Quarkus
     * loads test classes once per test profile, so a static field would not survive a profile switch; the running
     * instance is therefore found again through a system property and its process id.
     */
    public static KeycloakServer shared(Path home) {
        // A string literal is interned JVM-wide, so this lock is shared by every class loader's copy of this class.
        synchronized (SHARED_PROPERTY) {
            String shared = System.getProperty(SHARED_PROPERTY);
            if (shared != null) {
                String[] parts = shared.split(" ");
                ProcessHandle handle = ProcessHandle.of(Long.parseLong(parts[1])).orElse(null);
                // The start time guards against a recycled process id.
                if (handle != null && handle.isAlive() && parts[2].equals(startMillis(handle))) {
                    return new KeycloakServer(null, handle, Integer.parseInt(parts[0]),
                            InfraSupport.logFile("keycloak.log"), Duration.ofMillis(Long.parseLong(parts[3])));
                }
            }
            KeycloakServer keycloak = start(home, 0);
            System.setProperty(SHARED_PROPERTY, keycloak.port + " " + keycloak.handle.pid() + " "
                    + startMillis(keycloak.handle) + " " + keycloak.startupTime.toMillis());
            Runtime.getRuntime().addShutdownHook(new Thread(keycloak::stop, "clientele-keycloak-shutdown"));
            return keycloak;
        }
    }

    private static String startMillis(ProcessHandle handle) {
        return handle.info().startInstant().map(i -> Long.toString(i.toEpochMilli())).orElse("?");
    }

    /** Starts Keycloak from the unpacked distribution in {@code home} on 127.0.0.1:{@code port} (0 = a free port). */
    public static KeycloakServer start(Path home, int port) {
        return start(home, port, true);
    }

    /**
     * @param freshDatabase delete the dev H2 database first so the realm is imported from the current JSON
     *                      (an existing realm is never re-imported); costs the schema creation, not the build
     */
    public static KeycloakServer start(Path distribution, int port, boolean freshDatabase) {
        Path home = distribution.toAbsolutePath();
        Path kcSh = home.resolve("bin/kc.sh");
        if (!Files.isRegularFile(kcSh)) {
            throw new IllegalStateException("No Keycloak distribution at " + home.toAbsolutePath()
                    + ": run through `./mvnw verify` (pre-integration-test unpacks org.keycloak:keycloak-quarkus-dist"
                    + " into target/keycloak) or unzip it yourself and pass -Dkeycloak.home=<dir>");
        }
        if (port != 0) {
            InfraSupport.requirePortFree(port, "Keycloak");
        }
        int httpPort = port == 0 ? InfraSupport.freePort() : port;
        int managementPort = InfraSupport.freePort();
        Path log = InfraSupport.logFile("keycloak.log");
        try {
            if (freshDatabase) {
                deleteRecursively(home.resolve("data/h2"));
            }
            installRealm(home.resolve("data/import"));
            kcSh.toFile().setExecutable(true);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot prepare Keycloak home " + home, e);
        }

        ProcessBuilder builder = new ProcessBuilder(InfraSupport.withWatchdog(List.of(kcSh.toString(), "start-dev",
                "--http-port", Integer.toString(httpPort),
                "--http-host", "127.0.0.1",
                "--http-management-port", Integer.toString(managementPort),
                "--import-realm")))
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USERNAME);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("JAVA_HOME", System.getProperty("java.home"));

        long started = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + kcSh, e);
        }
        String discovery = "http://127.0.0.1:" + httpPort + "/realms/" + REALM + "/.well-known/openid-configuration";
        try {
            InfraSupport.await("Keycloak (realm " + REALM + " on port " + httpPort + ")", STARTUP_TIMEOUT,
                    Duration.ofSeconds(1), () -> InfraSupport.httpGet(discovery), process::isAlive,
                    () -> InfraSupport.tail(log, 60));
        } catch (RuntimeException e) {
            InfraSupport.killTree(process, Duration.ofSeconds(10));
            throw e;
        }
        return new KeycloakServer(process, process.toHandle(), httpPort, log,
                Duration.ofNanos(System.nanoTime() - started));
    }

    private static void installRealm(Path importDir) throws IOException {
        Files.createDirectories(importDir);
        Path target = importDir.resolve("clientele-realm.json");
        InputStream in = KeycloakServer.class.getClassLoader().getResourceAsStream(REALM_RESOURCE);
        if (in == null) {
            Path source = Path.of("src/test/resources", REALM_RESOURCE);
            if (!Files.exists(source)) {
                throw new IOException(REALM_RESOURCE + " is neither on the classpath nor at "
                        + source.toAbsolutePath());
            }
            in = Files.newInputStream(source);
        }
        try (InputStream realm = in) {
            Files.copy(realm, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Override
    public String issuerUrl() {
        return "http://127.0.0.1:" + port + "/realms/" + REALM;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    /** How long {@link #start} took until the realm's discovery document answered. */
    public Duration startupTime() {
        return startupTime;
    }

    public boolean isRunning() {
        return handle.isAlive();
    }

    /** Stops Keycloak and every process kc.sh started. Idempotent. */
    public void stop() {
        if (process != null) {
            InfraSupport.killTree(process, Duration.ofSeconds(30));
        } else {
            InfraSupport.killTree(handle, Duration.ofSeconds(30));
        }
    }

    @Override
    public void close() {
        stop();
    }
}
