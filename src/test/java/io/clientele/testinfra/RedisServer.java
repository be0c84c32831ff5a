package io.clientele.testinfra;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A real redis-server process without persistence. {@link #stop()} and {@link #restart()} let tests simulate an
 * outage: the server comes back on the same port, empty.
 */
public final class RedisServer implements AutoCloseable {

    /** Shipped inside com.github.codemonstur:embedded-redis; used only when no redis-server is installed. */
    static final String BUNDLED_BINARY = "redis-server-6.2.6-v5-linux-amd64";
    /** Where the binary is, once per JVM: Quarkus reloads this class per test profile, a static would not last. */
    private static final String BINARY_PROPERTY = "testinfra.redis-server";
    private static final int LAUNCH_ATTEMPTS = 3;

    private final Path binary;
    private final int port;
    private final Path log;
    private Process process;

    private RedisServer(Path binary, int port, Path log) {
        this.binary = binary;
        this.port = port;
        this.log = log;
    }

    /** Starts redis-server on {@code port} (0 = a free port) and waits until it answers PING. */
    public static RedisServer start(int port) {
        if (port != 0) {
            InfraSupport.requirePortFree(port, "Redis");
        }
        int actualPort = port == 0 ? InfraSupport.freePort() : port;
        RedisServer server = new RedisServer(binary(), actualPort,
                InfraSupport.logFile("redis-" + actualPort + ".log"));
        server.launch();
        return server;
    }

    private synchronized void launch() {
        for (int attempt = 1; ; attempt++) {
            try {
                launchOnce();
                return;
            } catch (IllegalStateException e) {
                // ETXTBSY: a process forked by another thread while the binary was being written still holds it
                // open for writing; it goes away as soon as that child execs.
                if (attempt >= LAUNCH_ATTEMPTS || !InfraSupport.tail(log, 5).contains("Text file busy")) {
                    throw e;
                }
            }
        }
    }

    private void launchOnce() {
        ProcessBuilder builder = new ProcessBuilder(InfraSupport.withWatchdog(List.of(binary.toString(),
                "--port", Integer.toString(port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--daemonize", "no")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + binary, e);
        }
        Process started = process;
        try {
            InfraSupport.await("redis-server on port " + port, Duration.ofSeconds(20), Duration.ofMillis(20),
                    () -> ping(port), started::isAlive, () -> InfraSupport.tail(log, 30));
        } catch (RuntimeException e) {
            InfraSupport.killTree(started, Duration.ofSeconds(2));
            process = null;
            throw e;
        }
    }

    /** Sends PING over RESP and expects +PONG. */
    static void ping(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] reply = new byte[7];
            int read = 0;
            InputStream in = socket.getInputStream();
            while (read < reply.length) {
                int n = in.read(reply, read, reply.length - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            String answer = new String(reply, 0, read, StandardCharsets.US_ASCII);
            if (!answer.startsWith("+PONG")) {
                throw new IOException("Unexpected PING reply: " + answer.trim());
            }
        }
    }

    /** Stops the server (if running) and starts it again on the same port, empty. */
    public synchronized void restart() {
        stop();
        launch();
    }

    /** Stops the server; {@link #restart()} brings it back. Idempotent. */
    public synchronized void stop() {
        if (process != null) {
            InfraSupport.killTree(process, Duration.ofSeconds(5));
            process = null;
        }
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}, the form {@code quarkus.redis.hosts} takes. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() {
        stop();
    }

    /** redis-server from PATH, else the bundled Linux x86-64 build extracted once per JVM. */
    static Path binary() {
        // A string literal is interned JVM-wide: one lock for every class loader's copy of this class.
        synchronized (BINARY_PROPERTY) {
            String known = System.getProperty(BINARY_PROPERTY);
            if (known != null && Files.isExecutable(Path.of(known))) {
                return Path.of(known);
            }
            Path binary = findOrExtractBinary();
            System.setProperty(BINARY_PROPERTY, binary.toString());
            return binary;
        }
    }

    private static Path findOrExtractBinary() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir, "redis-server");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new IllegalStateException("No redis-server on PATH and the bundled one is for linux-amd64 only ("
                    + os + "/" + arch + "): install Redis");
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        InputStream in = loader == null ? null : loader.getResourceAsStream(BUNDLED_BINARY);
        if (in == null) {
            in = RedisServer.class.getClassLoader().getResourceAsStream(BUNDLED_BINARY);
        }
        if (in == null) {
            throw new IllegalStateException("No redis-server on PATH and resource " + BUNDLED_BINARY
                    + " not on the classpath (test dependency com.github.codemonstur:embedded-redis missing?)");
        }
        try (InputStream binaryStream = in) {
            Path file = Files.createTempFile("clientele-redis-server-", "");
            Files.copy(binaryStream, file, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot extract " + BUNDLED_BINARY, e);
        }
    }
}
