import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Open-loop load generator for {@code POST /v1/customers}: sends at a constant rate on a fixed schedule, whatever the
 * server's latency, and measures each request from its scheduled send time, so a stall is charged to every request
 * it delays (no coordinated omission). wrk cannot pace, hence this file. Single-file source, JDK only:
 *
 * <pre>
 * BENCH_TOKEN=... java bench/RateLoad.java --url http://127.0.0.1:8080/v1/customers --rate 300 \
 *     --seconds 30 [--warmup 5] [--run-id x] [--expect 201] [--max-connections 256]
 * </pre>
 *
 * It speaks HTTP/1.1 keep-alive over NIO from one thread (schedule and I/O), a connection per request in flight,
 * rather than through java.net.http.HttpClient: that client costs ~0.7 ms of CPU per request here, which on a
 * 2-core machine shared with the service would be charged to the service's latency.
 *
 * <p>Prints one line: {@code RATELOAD target_rps=.. achieved_rps=.. sent=.. ok=.. bad_status=.. errors=.. p50_ms=..
 * p90_ms=.. p99_ms=.. p999_ms=.. max_ms=.. max_send_lag_ms=.. connections=..}. Warm-up requests follow the same
 * schedule but are not recorded.
 */
public class RateLoad {

    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};

    /** One keep-alive connection; carries at most one request at a time. */
    private static final class Conn {
        final SocketChannel channel;
        SelectionKey key;
        ByteBuffer out;
        ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        int index = -1; // request in flight, -1 when idle
        long due;

        Conn(SocketChannel channel) {
            this.channel = channel;
        }
    }

    private final String host;
    private final int port;
    private final String path;
    private final String token;
    private final String runId;
    private final int expect;
    private final int maxConnections;
    private final Selector selector;
    private final byte[] headPrefix; // request line and fixed headers, up to "Content-Length: "
    private final ArrayDeque<Conn> idle = new ArrayDeque<>();
    private final ArrayDeque<long[]> backlog = new ArrayDeque<>(); // {index, due} waiting for a connection
    private int open;
    private int opened;

    private final int warmupCount;
    private final long[] latencies;
    private int ok;
    private int badStatus;
    private int firstBadStatus;
    private int errors;
    private int completed;
    private long lastCompletion;
    private long maxSendLag;
    private String firstError;

    private RateLoad(URI uri, String token, String runId, int expect, int maxConnections, int warmupCount,
            int measuredCount) throws IOException {
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : 80;
        this.path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        this.token = token;
        this.runId = runId;
        this.expect = expect;
        this.maxConnections = maxConnections;
        this.selector = Selector.open();
        this.headPrefix = ("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAuthorization: Bearer "
                + token + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: ")
                .getBytes(StandardCharsets.ISO_8859_1);
        this.warmupCount = warmupCount;
        this.latencies = new long[measuredCount];
        Arrays.fill(latencies, -1);
    }

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(arg(args, "--url", null));
        if (!"http".equals(uri.getScheme())) {
            throw new IllegalArgumentException("only http:// URLs are supported");
        }
        double rate = Double.parseDouble(arg(args, "--rate", null));
        double seconds = Double.parseDouble(arg(args, "--seconds", "30"));
        double warmup = Double.parseDouble(arg(args, "--warmup", "5"));
        String runId = arg(args, "--run-id", Long.toString(System.currentTimeMillis(), 36))
                .replaceAll("[^A-Za-z0-9-]", "-"); // goes into an e-mail address
        int expect = Integer.parseInt(arg(args, "--expect", "201"));
        int maxConnections = Integer.parseInt(arg(args, "--max-connections", "256"));
        String token = System.getenv("BENCH_TOKEN");
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("BENCH_TOKEN is not set");
        }
        if (rate <= 0) {
            throw new IllegalArgumentException("--rate must be > 0");
        }
        int warmupCount = (int) Math.round(warmup * rate);
        int measuredCount = (int) Math.round(seconds * rate);
        RateLoad load = new RateLoad(uri, token, runId, expect, maxConnections, warmupCount, measuredCount);
        load.run(rate, warmupCount + measuredCount);
    }

    private void run(double rate, int total) throws IOException {
        long period = (long) (1_000_000_000L / rate);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        long measureStart = start + warmupCount * period;
        long giveUp = start + total * period + TimeUnit.SECONDS.toNanos(30);
        int next = 0;
        while (completed < total) {
            long now = System.nanoTime();
            while (next < total && start + next * period <= now) {
                dispatch(next, start + next * period);
                next++;
            }
            if (now > giveUp) {
                break;
            }
            long waitNanos = next < total ? start + next * period - now : TimeUnit.MILLISECONDS.toNanos(100);
            if (waitNanos >= 1_000_000) {
                selector.select(waitNanos / 1_000_000);
            } else {
                selector.selectNow();
            }
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                handle(key);
            }
        }
        errors += latencies.length - ok - badStatus - errors; // never sent or still open when we gave up

        long[] measured = Arrays.stream(latencies).filter(v -> v >= 0).sorted().toArray();
        double window = (lastCompletion - measureStart) / 1e9;
        System.out.println(String.format(Locale.ROOT,
                "RATELOAD target_rps=%.1f achieved_rps=%.1f sent=%d ok=%d bad_status=%d errors=%d p50_ms=%.2f"
                        + " p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f max_send_lag_ms=%.2f connections=%d",
                rate, window > 0 ? ok / window : 0, latencies.length, ok, badStatus, errors,
                ms(pct(measured, 50)), ms(pct(measured, 90)), ms(pct(measured, 99)), ms(pct(measured, 99.9)),
                ms(measured.length == 0 ? 0 : measured[measured.length - 1]), ms(maxSendLag), opened));
        if (firstBadStatus != 0) {
            System.err.println("RateLoad: unexpected HTTP status, first one " + firstBadStatus);
        }
        if (firstError != null) {
            System.err.println("RateLoad: first I/O error: " + firstError);
        }
    }

    private void dispatch(int index, long due) {
        Conn conn = idle.poll();
        if (conn != null) {
            send(conn, index, due);
        } else if (open < maxConnections) {
            connect(index, due);
        } else {
            backlog.add(new long[] {index, due});
        }
    }

    private void connect(int index, long due) {
        try {
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Conn conn = new Conn(channel);
            conn.index = index;
            conn.due = due;
            open++;
            opened++;
            if (channel.connect(new InetSocketAddress(host, port))) {
                conn.key = channel.register(selector, 0, conn);
                send(conn, index, due);
            } else {
                conn.key = channel.register(selector, SelectionKey.OP_CONNECT, conn);
            }
        } catch (IOException e) {
            record(index, due, -1, e);
        }
    }

    private void send(Conn conn, int index, long due) {
        conn.index = index;
        conn.due = due;
        String tag = runId + "-" + index;
        byte[] body = ("{\"kind\":\"person\",\"firstName\":\"Rate\",\"lastName\":\"Load " + tag
                + "\",\"emails\":[{\"address\":\"rate-" + tag + "@example.com\"}]}").getBytes(StandardCharsets.UTF_8);
        byte[] length = (body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        conn.out = ByteBuffer.allocate(headPrefix.length + length.length + body.length)
                .put(headPrefix).put(length).put(body).flip();
        maxSendLag = Math.max(maxSendLag, System.nanoTime() - due);
        try {
            conn.channel.write(conn.out);
            conn.key.interestOps(conn.out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        } catch (IOException e) {
            fail(conn, e);
        }
    }

    private void handle(SelectionKey key) {
        Conn conn = (Conn) key.attachment();
        try {
            if (!key.isValid()) {
                return;
            }
            if (key.isConnectable()) {
                conn.channel.finishConnect();
                send(conn, conn.index, conn.due);
                return;
            }
            if (key.isWritable()) {
                conn.channel.write(conn.out);
                if (!conn.out.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
                return;
            }
            if (key.isReadable()) {
                if (!conn.in.hasRemaining()) {
                    conn.in = ByteBuffer.allocate(conn.in.capacity() * 2).put(conn.in.flip());
                }
                int n = conn.channel.read(conn.in);
                if (n < 0) {
                    throw new IOException("connection closed by the server");
                }
                int response = parseComplete(conn);
                if (response != 0) {
                    int index = conn.index;
                    long due = conn.due;
                    conn.index = -1;
                    record(index, due, response & 0xFFFF, null);
                    if ((response & CLOSE) != 0) {
                        close(conn);
                        long[] waiting = backlog.poll();
                        if (waiting != null) {
                            dispatch((int) waiting[0], waiting[1]);
                        }
                    } else {
                        reuse(conn);
                    }
                }
            }
        } catch (IOException e) {
            fail(conn, e);
        }
    }

    /** Flag in parseComplete's result: the server closes the connection after this response. */
    private static final int CLOSE = 1 << 16;

    /** Status code (| CLOSE) when the buffer holds a complete response (and clears it), else 0. */
    private static int parseComplete(Conn conn) throws IOException {
        ByteBuffer in = conn.in;
        int length = in.position();
        byte[] data = in.array();
        int headerEnd = indexOf(data, length, HEADER_END, 0);
        if (headerEnd < 0) {
            return 0;
        }
        String head = new String(data, 0, headerEnd, StandardCharsets.ISO_8859_1);
        int bodyStart = headerEnd + 4;
        String lower = head.toLowerCase(Locale.ROOT);
        boolean complete;
        int cl = lower.indexOf("\ncontent-length:");
        if (cl >= 0) {
            int eol = lower.indexOf('\r', cl + 1);
            int contentLength = Integer.parseInt(lower.substring(cl + 16, eol < 0 ? lower.length() : eol).trim());
            complete = length - bodyStart >= contentLength;
        } else if (lower.contains("\ntransfer-encoding: chunked")) {
            complete = indexOf(data, length, "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), bodyStart) >= 0;
        } else {
            complete = true; // e.g. 204/304: no body
        }
        if (!complete) {
            return 0;
        }
        if (!head.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + head.lines().findFirst().orElse(""));
        }
        int status = Integer.parseInt(head.substring(9, 12));
        in.clear();
        return lower.contains("\nconnection: close") ? status | CLOSE : status;
    }

    private static int indexOf(byte[] data, int length, byte[] pattern, int from) {
        outer:
        for (int i = from; i <= length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void reuse(Conn conn) {
        long[] waiting = backlog.poll();
        if (waiting != null) {
            send(conn, (int) waiting[0], waiting[1]);
        } else {
            idle.add(conn); // keeps OP_READ: a close by the server is noticed while idle
        }
    }

    private void fail(Conn conn, IOException e) {
        if (conn.index >= 0) {
            record(conn.index, conn.due, -1, e);
            conn.index = -1;
        }
        close(conn);
        long[] waiting = backlog.poll();
        if (waiting != null) {
            dispatch((int) waiting[0], waiting[1]);
        }
    }

    private void close(Conn conn) {
        idle.remove(conn);
        if (conn.key != null) {
            conn.key.cancel();
        }
        try {
            conn.channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open--;
    }

    private void record(int index, long due, int status, IOException error) {
        long end = System.nanoTime();
        completed++;
        int measuredIndex = index - warmupCount;
        if (measuredIndex < 0) {
            return;
        }
        lastCompletion = Math.max(lastCompletion, end);
        if (error != null) {
            errors++;
            if (firstError == null) {
                firstError = error.toString();
            }
        } else if (status != expect) {
            badStatus++;
            if (firstBadStatus == 0) {
                firstBadStatus = status;
            }
        } else {
            ok++;
            latencies[measuredIndex] = end - due; // from the scheduled time: includes any queueing
        }
    }

    /** Nearest-rank percentile of sorted values. */
    private static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length, Math.max(rank, 1)) - 1];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        if (fallback == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return fallback;
    }
}
