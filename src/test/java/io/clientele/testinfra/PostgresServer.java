package io.clientele.testinfra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL 15 server (zonky embedded binaries; as root it runs under {@code unshare -U}).
 * Ephemeral by default; with a data directory the cluster survives restarts (local mode).
 */
public final class PostgresServer implements AutoCloseable {

    public static final String DATABASE = "clientele";
    public static final String USERNAME = "postgres";
    /** Authentication is {@code trust} (initdb -A trust); the password only satisfies clients that insist on one. */
    public static final String PASSWORD = "postgres";
    /** The extensions the schema relies on; {@link #verifyExtensions()} proves they can be created. */
    public static final List<String> REQUIRED_EXTENSIONS = List.of("pg_trgm", "unaccent", "pgcrypto");

    private final EmbeddedPostgres postgres;
    private final int port;
    private final Path log;

    private PostgresServer(EmbeddedPostgres postgres, int port, Path log) {
        this.postgres = postgres;
        this.port = port;
        this.log = log;
    }

    /** Ephemeral server on {@code port} (0 = a free port); data is deleted on stop. */
    public static PostgresServer start(int port) {
        return start(port, null);
    }

    /**
     * @param port          0 for a free port
     * @param dataDirectory null for a throw-away cluster; otherwise an existing cluster there is reused as is
     *                      (initdb runs only when the directory holds none) and never cleaned
     */
    public static PostgresServer start(int port, Path dataDirectory) {
        int actualPort = port == 0 ? InfraSupport.freePort() : port;
        if (port != 0) {
            InfraSupport.requirePortFree(port, "PostgreSQL" + (dataDirectory == null ? ""
                    : " (if a previous run was killed, stop its server: pg_ctl -D " + dataDirectory + " stop)"));
        }
        Path log = InfraSupport.logFile(dataDirectory == null ? "postgres-" + actualPort + ".log" : "postgres.log");
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setPort(actualPort)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setServerConfig("max_connections", "200")
                .setServerConfig("timezone", "UTC");
        if (dataDirectory == null) {
            // Throw-away data: trade durability for speed.
            builder.setServerConfig("fsync", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("synchronous_commit", "off");
        } else {
            try {
                Files.createDirectories(dataDirectory);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot create PostgreSQL data directory " + dataDirectory, e);
            }
            // zonky always passes -F (fsync off); data that is kept must survive a crash, so turn it back on.
            builder.setDataDirectory(dataDirectory.toFile())
                    .setCleanDataDirectory(false)
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on");
        }
        EmbeddedPostgres postgres;
        try {
            postgres = builder.start();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("PostgreSQL did not start on port " + actualPort + ": " + e.getMessage()
                    + "\n" + InfraSupport.tail(log, 40), e);
        }
        PostgresServer server = new PostgresServer(postgres, actualPort, log);
        try {
            server.createDatabaseIfMissing();
        } catch (SQLException | RuntimeException e) {
            server.stop();
            throw new IllegalStateException("PostgreSQL started but database '" + DATABASE + "' could not be created: "
                    + e.getMessage() + "\n" + InfraSupport.tail(log, 40), e);
        }
        return server;
    }

    private void createDatabaseIfMissing() throws SQLException {
        try (Connection c = connect("postgres");
                PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            try (ResultSet rs = exists.executeQuery()) {
                if (!rs.next()) {
                    try (Statement create = c.createStatement()) {
                        create.execute("CREATE DATABASE " + DATABASE + " ENCODING 'UTF8' TEMPLATE template0");
                    }
                }
            }
        }
    }

    /**
     * Proves the extensions the schema needs can be created, in a scratch database that is dropped afterwards
     * (so the {@code clientele} database stays exactly as the migrations leave it).
     */
    public void verifyExtensions() throws SQLException {
        String scratch = "extension_check_" + Long.toHexString(System.nanoTime());
        try (Connection admin = connect("postgres"); Statement st = admin.createStatement()) {
            st.execute("CREATE DATABASE " + scratch);
            try {
                try (Connection c = connect(scratch); Statement s = c.createStatement()) {
                    for (String extension : REQUIRED_EXTENSIONS) {
                        s.execute("CREATE EXTENSION IF NOT EXISTS " + extension);
                    }
                    // Use each one once: a library that is present but broken fails here, not in a migration.
                    try (ResultSet rs = s.executeQuery("SELECT similarity('Lovelace', 'Lovelase') > 0.3,"
                            + " unaccent('Ådá') = 'Ada', length(gen_random_uuid()::text) = 36")) {
                        rs.next();
                        if (!(rs.getBoolean(1) && rs.getBoolean(2) && rs.getBoolean(3))) {
                            throw new SQLException("Extension smoke query returned unexpected results");
                        }
                    }
                }
            } finally {
                st.execute("DROP DATABASE IF EXISTS " + scratch);
            }
        }
    }

    /** A JDBC connection as the superuser to {@code database}. */
    public Connection connect(String database) throws SQLException {
        // The driver directly, not DriverManager: under Quarkus' test class loaders DriverManager may not see it.
        Properties props = new Properties();
        props.setProperty("user", USERNAME);
        props.setProperty("password", PASSWORD);
        return new org.postgresql.Driver().connect("jdbc:postgresql://127.0.0.1:" + port + "/" + database, props);
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String reactiveUrl() {
        return "postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String username() {
        return USERNAME;
    }

    public String password() {
        return PASSWORD;
    }

    public Path log() {
        return log;
    }

    public void stop() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new IllegalStateException("PostgreSQL did not stop cleanly\n" + InfraSupport.tail(log, 20), e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
