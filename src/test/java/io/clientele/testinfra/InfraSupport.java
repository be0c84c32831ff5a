package io.clientele.testinfra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Shared plumbing for the local infrastructure: log files, ports, readiness polling, token requests. */
public final class InfraSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private InfraSupport() {
    }

    /** Log directory: {@code -Dtestinfra.log-dir}, else {@code target/} under the working directory. */
    public static Path logDir() {
        Path dir = Path.of(System.getProperty("testinfra.log-dir", "target")).toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create log directory " + dir, e);
        }
        return dir;
    }

    public static Path logFile(String name) {
        return logDir().resolve(name);
    }

    /** The last {@code lines} lines of a log file, for error messages; never throws. */
    public static String tail(Path file, int lines) {
        try {
            if (file == null || !Files.exists(file)) {
                return "(no log at " + file + ")";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
            return "---- last " + last.size() + " lines of " + file + " ----\n" + String.join("\n", last);
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /** A currently free TCP port on the loopback interface. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port", e);
        }
    }

    /** Fails with a clear message when something already listens on {@code port}. */
    public static void requirePortFree(int port, String what) {
        if (isListening(port)) {
            throw new IllegalStateException(what + ": port " + port + " is already in use on 127.0.0.1"
                    + " (another instance still running? find it with: ss -ltnp 'sport = :" + port + "')");
        }
        // Connect alone misses a half-closed listener; a bind attempt catches everything else.
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new IllegalStateException(what + ": port " + port + " cannot be bound (" + e.getMessage()
                    + "); find the owner with: ss -ltnp 'sport = :" + port + "'", e);
        }
    }

    public static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A readiness probe: returns normally when ready, throws (anything) when not yet. */
    @FunctionalInterface
    public interface Probe {
        void check() throws Exception;
    }

    /**
     * Polls {@code probe} until it passes. {@code alive} is checked first on every round so a crashed process
     * fails fast instead of waiting for the timeout; {@code diagnostics} (usually a log tail) goes into the error.
     */
    public static void await(String what, Duration timeout, Duration interval, Probe probe,
            Supplier<Boolean> alive, Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            if (alive != null && !alive.get()) {
                throw new IllegalStateException(what + " exited before becoming ready\n" + diagnostics.get(), last);
            }
            try {
                probe.check();
                return;
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " not ready after " + timeout.toSeconds()
                        + " s (last probe error: " + last + ")\n" + diagnostics.get(), last);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what, e);
            }
        }
    }

    /** GET returning the body when the status is 200, else throws. */
    public static String httpGet(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + url + " -> HTTP " + response.statusCode() + ": "
                    + abbreviate(response.body()));
        }
        return response.body();
    }

    /** Response of a form POST: status and body. */
    public record HttpResult(int status, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("Not JSON: " + abbreviate(body), e);
            }
        }
    }

    public static HttpResult postForm(String url, Map<String, String> form, String basicUser, String basicPassword) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (basicUser != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (basicUser + ":" + basicPassword).getBytes(StandardCharsets.UTF_8)));
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new HttpResult(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("POST " + url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: POST " + url, e);
        }
    }

    /** Client-credentials grant; returns the access token or throws with the error body. */
    static String clientCredentials(String tokenEndpoint, String clientId, String secret) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", clientId);
        form.put("client_secret", secret);
        return accessToken(tokenEndpoint, form);
    }

    /** Resource-owner password grant; {@code secret} may be null for a public client. */
    static String password(String tokenEndpoint, String clientId, String secret, String username, String password) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", clientId);
        if (secret != null) {
            form.put("client_secret", secret);
        }
        form.put("username", username);
        form.put("password", password);
        form.put("scope", "openid");
        return accessToken(tokenEndpoint, form);
    }

    private static String accessToken(String tokenEndpoint, Map<String, String> form) {
        HttpResult result = postForm(tokenEndpoint, form, null, null);
        if (result.status() != 200) {
            throw new IllegalStateException("Token request (" + form.get("grant_type") + ", client "
                    + form.get("client_id") + ") failed: HTTP " + result.status() + " " + abbreviate(result.body()));
        }
        return result.json().path("access_token").asText();
    }

    /** Decodes the claims of a compact JWS without verifying it (for assertions in tests). */
    public static JsonNode claims(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("Not a compact JWS");
        }
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }

    /**
     * Wraps {@code command} in a shell that also terminates it when this JVM dies without running its shutdown
     * hooks (SIGKILL, fork timeout): the JVM holds the child's stdin pipe, so its death is an EOF there.
     */
    static List<String> withWatchdog(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c",
                // Background jobs get /dev/null as stdin unless redirected, hence the copy on fd 3.
                "exec 3<&0; \"$@\" 3<&- & child=$!; { cat <&3 >/dev/null; kill -TERM $child 2>/dev/null; } &"
                        + " exec 3<&-; wait $child",
                "clientele-watchdog"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Stops a process and all its descendants: SIGTERM first, SIGKILL after {@code grace}. */
    static void killTree(Process process, Duration grace) {
        if (process == null) {
            return;
        }
        killTree(process.toHandle(), grace);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void killTree(ProcessHandle root, Duration grace) {
        List<ProcessHandle> all = new ArrayList<>(root.descendants().collect(Collectors.toList()));
        all.add(root);
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        while (all.stream().anyMatch(InfraSupport::running) && System.nanoTime() < deadline) {
            try {
                TimeUnit.MILLISECONDS.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        all.stream().filter(InfraSupport::running).forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * Alive and not a zombie. Orphaned grandchildren stay zombies until init reaps them (seconds in some
     * containers), and {@link ProcessHandle#isAlive()} counts zombies as alive.
     */
    private static boolean running(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"));
            int end = stat.lastIndexOf(')');
            char state = end > 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : 'R';
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return handle.isAlive();
        }
    }

    static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }
}
