import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Webhook receiver for bench/webhooks.sh. Single-file source, JDK only: {@code java bench/WebhookSink.java <port>}.
 * Answers every POST with 204 at once and records, per delivery, the time from the CloudEvent's {@code time}
 * (when the change was written) to its arrival here. {@code GET /stats} prints
 * {@code SINK count=.. first_ms=.. last_ms=.. p50_ms=.. p99_ms=.. max_ms=..} (epoch ms of the first/last arrival);
 * {@code DELETE /stats} forgets everything. Requests without a CloudEvent time (raw capacity runs) only count.
 */
public class WebhookSink {

    private static final Pattern TIME = Pattern.compile("\"time\":\"([^\"]+)\"");
    private static final List<long[]> SEEN = Collections.synchronizedList(new ArrayList<>());

    public static void main(String[] args) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 512);
        server.createContext("/", WebhookSink::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        System.out.println("SINK listening on " + args[0]);
    }

    private static void handle(HttpExchange exchange) throws IOException {
        long now = System.currentTimeMillis();
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String method = exchange.getRequestMethod();
        if (exchange.getRequestURI().getPath().equals("/stats")) {
            String answer = "";
            if (method.equals("DELETE")) {
                SEEN.clear();
            } else {
                answer = stats();
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
            return;
        }
        Matcher m = TIME.matcher(body);
        long latency = m.find() ? now - Instant.parse(m.group(1)).toEpochMilli() : -1;
        SEEN.add(new long[] { now, latency });
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
    }

    private static String stats() {
        List<long[]> copy;
        synchronized (SEEN) {
            copy = new ArrayList<>(SEEN);
        }
        if (copy.isEmpty()) {
            return "SINK count=0\n";
        }
        long first = Long.MAX_VALUE;
        long last = 0;
        List<Long> latencies = new ArrayList<>();
        for (long[] s : copy) {
            first = Math.min(first, s[0]);
            last = Math.max(last, s[0]);
            if (s[1] >= 0) {
                latencies.add(s[1]);
            }
        }
        Collections.sort(latencies);
        return String.format(Locale.ROOT, "SINK count=%d first_ms=%d last_ms=%d p50_ms=%d p99_ms=%d max_ms=%d%n",
                copy.size(), first, last, pct(latencies, 0.50), pct(latencies, 0.99),
                latencies.isEmpty() ? -1 : latencies.get(latencies.size() - 1));
    }

    private static long pct(List<Long> sorted, double p) {
        return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
