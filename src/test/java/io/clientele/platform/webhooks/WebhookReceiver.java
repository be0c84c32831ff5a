package io.clientele.platform.webhooks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP receiver on 127.0.0.1 for webhook tests. Each test registers a path with a script of behaviours
 * (fail with a status, hang past the sender's timeout, or succeed), after which it succeeds. Every request is
 * recorded; when secrets are given, the receiver verifies signatures, timestamps and replays as a careful
 * production receiver would, and answers 400 to anything that fails.
 */
final class WebhookReceiver implements AutoCloseable {

    /** What to do with one request. */
    enum Behaviour {
        OK, FAIL_500, FAIL_503, HANG
    }

    /** One request as received, and the verdict of the verification. */
    record Received(String path, Map<String, String> headers, String body, int answered,
            WebhookSignatures.Verdict verdict) {

        String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    private final HttpServer server;
    private final Map<String, Deque<Behaviour>> scripts = new ConcurrentHashMap<>();
    private final Map<String, List<String>> secrets = new ConcurrentHashMap<>();
    private final Set<String> seenIds = ConcurrentHashMap.newKeySet();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        // Threads of its own, so a hanging answer does not hold up the others.
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    void script(String path, Behaviour... behaviours) {
        scripts.put(path, new ConcurrentLinkedDeque<>(List.of(behaviours)));
    }

    /** Verify deliveries to {@code path} against these secrets (both during a rotation). */
    void verifyWith(String path, List<String> pathSecrets) {
        secrets.put(path, List.copyOf(pathSecrets));
    }

    List<Received> received(String path) {
        List<Received> mine = new ArrayList<>();
        for (Received r : received) {
            if (r.path().equals(path)) {
                mine.add(r);
            }
        }
        return mine;
    }

    /** Requests to {@code path} that were processed (verified, first time: 204). */
    List<Received> accepted(String path) {
        return received(path).stream().filter(r -> r.answered() == 204).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Map<String, String> headers = new ConcurrentHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Deque<Behaviour> script = scripts.get(path);
        Behaviour behaviour = script == null || script.isEmpty() ? Behaviour.OK : script.poll();
        int status;
        WebhookSignatures.Verdict verdict = null;
        switch (behaviour) {
            case HANG -> {
                try {
                    Thread.sleep(3000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                // Answered long after the sender gave up: recorded as never answered.
                received.add(new Received(path, headers, body, -1, null));
                exchange.close();
                return;
            }
            case FAIL_500 -> status = 500;
            case FAIL_503 -> status = 503;
            default -> {
                List<String> keys = secrets.get(path);
                if (keys != null) {
                    verdict = WebhookSignatures.verify(keys, headers.get("webhook-id"),
                            headers.get("webhook-timestamp"), headers.get("webhook-signature"), body, Instant.now(),
                            WebhookSignatures.DEFAULT_TOLERANCE, seenIds::add);
                    // A duplicate id is acknowledged (so the sender stops) but not processed again.
                    status = switch (verdict) {
                        case VALID -> 204;
                        case REPLAYED -> 200;
                        default -> 400;
                    };
                } else {
                    status = 204;
                }
            }
        }
        received.add(new Received(path, headers, body, status, verdict));
        try {
            exchange.sendResponseHeaders(status, -1);
        } catch (IOException e) {
            // The sender gave up waiting (timeout): nothing to answer.
        }
        try (OutputStream out = exchange.getResponseBody()) {
            out.flush();
        } catch (IOException e) {
            // Same.
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
