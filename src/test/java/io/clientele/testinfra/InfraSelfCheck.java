package io.clientele.testinfra;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Proves the test infrastructure works on this machine, end to end and against the real servers:
 * {@code java -cp ... io.clientele.testinfra.InfraSelfCheck} checks PostgreSQL, Kafka, Redis and the
 * in-process issuer; with {@code keycloak <home>} it checks the real Keycloak and the test realm instead.
 * Exits non-zero on the first failed check.
 */
public final class InfraSelfCheck {

    private InfraSelfCheck() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("keycloak")) {
            String home = args.length > 1 ? args[1] : System.getProperty(KeycloakInfraResource.KEYCLOAK_HOME);
            checkKeycloak(java.nio.file.Path.of(home));
        } else {
            checkStack();
        }
        System.out.println("ALL CHECKS PASSED");
    }

    static void checkStack() throws Exception {
        long t0 = System.nanoTime();
        try (InfraStack stack = InfraStack.start(new InfraStack.Options())) {
            report("stack started concurrently in " + millis(t0) + " ms " + stack.startupTimings() + ": "
                    + stack.quarkusConfig());
            checkPostgres(stack.postgres());
            checkKafka(stack.kafka());
            checkRedis(stack.redis());
            checkIssuer(stack.oidc());
            long t1 = System.nanoTime();
            stack.close();
            report("stack stopped in " + millis(t1) + " ms");
        }
        checkPersistentPostgres();
    }

    /** Local mode: a data directory survives a restart and is not cleaned; fsync is on. */
    static void checkPersistentPostgres() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("pg-persist-check");
        long t = System.nanoTime();
        PostgresServer first = PostgresServer.start(0, dir);
        try (Connection c = first.connect(PostgresServer.DATABASE); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (id int)");
            s.execute("INSERT INTO kept VALUES (42)");
        } finally {
            first.stop();
        }
        long firstMillis = millis(t);
        t = System.nanoTime();
        PostgresServer second = PostgresServer.start(0, dir);
        try (Connection c = second.connect(PostgresServer.DATABASE); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT (SELECT id FROM kept), current_setting('fsync')")) {
            rs.next();
            expect(rs.getInt(1) == 42, "data survives a restart");
            expect(rs.getString(2).equals("on"), "fsync on for kept data (is " + rs.getString(2) + ")");
        } finally {
            second.stop();
            try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(java.nio.file.Path::toFile)
                        .forEach(java.io.File::delete);
            }
        }
        report("postgres (persistent): initdb+start+stop " + firstMillis + " ms, restart on existing data "
                + millis(t) + " ms; data kept, fsync on");
    }

    static void checkPostgres(PostgresServer pg) throws Exception {
        long t = System.nanoTime();
        pg.verifyExtensions();
        try (Connection c = pg.connect(PostgresServer.DATABASE); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_database(), version()")) {
            rs.next();
            expect(rs.getString(1).equals("clientele"), "database clientele exists");
            report("postgres: " + rs.getString(2).split(",")[0] + "; CREATE EXTENSION "
                    + PostgresServer.REQUIRED_EXTENSIONS + " ok (" + millis(t) + " ms)");
        }
    }

    static void checkKafka(KafkaBroker kafka) throws Exception {
        long t = System.nanoTime();
        String topic = "selfcheck-" + UUID.randomUUID();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        int count = 30;
        int partitions;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i)).get();
            }
            partitions = producer.partitionsFor(topic).size();
        }
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "selfcheck");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(r.value());
                }
            }
            consumer.commitSync();
        }
        expect(seen.size() == count, "consumed all " + count + " records (got " + seen.size() + ")");
        expect(partitions == 3, "auto-created topic has 3 partitions (has " + partitions + ")");
        report("kafka: " + kafka.bootstrapServers() + " produce/consume round trip of " + count + " records on an"
                + " auto-created " + partitions + "-partition topic with a consumer group (" + millis(t) + " ms)");
    }

    static void checkRedis(RedisServer redis) throws Exception {
        RedisServer.ping(redis.port());
        long t = System.nanoTime();
        redis.stop();
        boolean down;
        try {
            RedisServer.ping(redis.port());
            down = false;
        } catch (Exception e) {
            down = true;
        }
        expect(down, "redis refuses connections after stop()");
        redis.restart();
        RedisServer.ping(redis.port());
        report("redis: " + redis.uri() + " (" + RedisServer.binary() + "); PING ok, stop()+restart() on the same"
                + " port in " + millis(t) + " ms");
    }

    static void checkIssuer(OidcIssuer oidc) throws Exception {
        JsonNode discovery = InfraSupport.JSON.readTree(InfraSupport.httpGet(oidc.discoveryUri()));
        expect(discovery.path("issuer").asText().equals(oidc.issuerUrl()), "discovery issuer matches");
        expect(discovery.path("jwks_uri").asText().equals(oidc.jwksUri()), "discovery jwks_uri");
        JsonNode jwks = InfraSupport.JSON.readTree(InfraSupport.httpGet(discovery.path("jwks_uri").asText()));
        JsonNode jwk = jwks.path("keys").get(0);
        expect(jwk.path("alg").asText().equals("RS256") && jwk.path("use").asText().equals("sig"), "JWK alg/use");
        PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                new BigInteger(1, Base64.getUrlDecoder().decode(jwk.path("n").asText())),
                new BigInteger(1, Base64.getUrlDecoder().decode(jwk.path("e").asText()))));
        expect(((java.security.interfaces.RSAPublicKey) key).getModulus().bitLength() == 2048, "RSA-2048");

        String minted = oidc.mint("acme", "u-1", "sales");
        expect(verifies(minted, key), "minted token verifies with the JWKS key");
        JsonNode claims = InfraSupport.claims(minted);
        for (String claim : List.of("iss", "sub", "aud", "azp", "exp", "iat", "jti", "typ", "tenant_id", "realm_access",
                "preferred_username", "scope")) {
            expect(claims.has(claim), "minted token has claim " + claim);
        }
        expect(!verifies(oidc.mintSignedByForeignKey("acme", "u-1", "sales"), key),
                "foreign-key token does not verify");
        expect(InfraSupport.claims(oidc.mintExpired("acme", "u-1")).path("exp").asLong()
                < Instant.now().getEpochSecond(), "expired token is expired");
        expect(!InfraSupport.claims(oidc.mintWithoutTenant("u-1")).has("tenant_id"), "token without tenant");
        expect(InfraSupport.claims(oidc.mintWithAudience("other", "acme", "u-1")).path("aud").asText()
                .equals("other"), "token with other audience");

        long t = System.nanoTime();
        String partner = TestRealm.partnerToken(oidc);
        long tokenMillis = millis(t);
        JsonNode pc = InfraSupport.claims(partner);
        expect(verifies(partner, key), "client-credentials token verifies");
        expect(pc.path("tenant_id").asText().equals("acme") && roles(pc).contains("integration")
                && pc.path("azp").asText().equals("partner-app"), "client-credentials claims: " + pc);
        JsonNode ada = InfraSupport.claims(TestRealm.passwordToken(oidc, TestRealm.ADA_ADMIN));
        expect(ada.path("tenant_id").asText().equals("acme") && roles(ada).contains("admin")
                && ada.path("preferred_username").asText().equals("ada.admin"), "password-grant claims: " + ada);
        // HTTP Basic client authentication
        InfraSupport.HttpResult basic = InfraSupport.postForm(oidc.tokenEndpoint(),
                Map.of("grant_type", "client_credentials"), TestRealm.EMAIL_GATEWAY, TestRealm.EMAIL_GATEWAY_SECRET);
        expect(basic.status() == 200 && basic.json().path("token_type").asText().equals("Bearer"), "Basic auth");
        InfraSupport.HttpResult badClient = InfraSupport.postForm(oidc.tokenEndpoint(), Map.of("grant_type",
                "client_credentials", "client_id", "partner-app", "client_secret", "wrong"), null, null);
        expect(badClient.status() == 401 && badClient.json().path("error").asText().equals("unauthorized_client"),
                "bad secret -> 401 unauthorized_client (as Keycloak 26): " + badClient);
        InfraSupport.HttpResult badUser = InfraSupport.postForm(oidc.tokenEndpoint(), Map.of("grant_type", "password",
                "client_id", TestRealm.PORTAL, "client_secret", TestRealm.PORTAL_SECRET, "username", "ada.admin",
                "password", "wrong"), null, null);
        expect(badUser.status() == 400 && badUser.json().path("error").asText().equals("invalid_grant"),
                "bad password -> 400 invalid_grant (as Keycloak 26): " + badUser);
        report("oidc issuer: " + oidc.issuerUrl() + " discovery/JWKS/token ok; client-credentials token in "
                + tokenMillis + " ms; claims " + pc);
    }

    static void checkKeycloak(java.nio.file.Path home) throws Exception {
        long t0 = System.nanoTime();
        try (KeycloakServer kc = KeycloakServer.start(home, 0)) {
            report("keycloak: ready in " + kc.startupTime().toSeconds() + " s (" + kc.issuerUrl() + ")");
            List<String> problems = new ArrayList<>();
            long t = System.nanoTime();
            String partner = TestRealm.partnerToken(kc);
            report("keycloak: first client-credentials token in " + millis(t) + " ms");
            t = System.nanoTime();
            String again = TestRealm.partnerToken(kc);
            report("keycloak: second client-credentials token in " + millis(t) + " ms");
            checkKeycloakToken("partner-app", InfraSupport.claims(partner), "acme", "integration", problems);
            checkKeycloakToken("email-gateway", InfraSupport.claims(kc.token(TestRealm.EMAIL_GATEWAY,
                    TestRealm.EMAIL_GATEWAY_SECRET)), "acme", "integration", problems);
            for (TestRealm.TestUser user : TestRealm.USERS) {
                t = System.nanoTime();
                String token = TestRealm.passwordToken(kc, user);
                long ms = millis(t);
                checkKeycloakToken(user.username() + " (" + ms + " ms)", InfraSupport.claims(token), user.tenant(),
                        user.role(), problems);
            }
            try (OidcIssuer standIn = TestRealm.applyTo(OidcIssuer.start(0))) {
                int mismatches = compareErrors(kc, standIn);
                expect(mismatches == 0, "the in-process issuer answers token errors like Keycloak (" + mismatches
                        + " differences)");
            }
            report("keycloak: full ada.admin token claims " + InfraSupport.claims(TestRealm.passwordToken(kc,
                    TestRealm.ADA_ADMIN)));
            report("keycloak: full partner-app token claims " + InfraSupport.claims(again));
            expect(problems.isEmpty(), "keycloak tokens as expected: " + problems);
            long t1 = System.nanoTime();
            kc.stop();
            report("keycloak: stopped in " + millis(t1) + " ms; total " + millis(t0) + " ms");
        }
    }

    /** Sends the same token requests to Keycloak and the stand-in; returns how many answers differ. */
    static int compareErrors(TokenIssuer keycloak, TokenIssuer standIn) {
        record Case(String name, Map<String, String> form, String basicUser, String basicPassword) {
        }
        List<Case> cases = List.of(
                new Case("wrong client secret", Map.of("grant_type", "client_credentials", "client_id",
                        TestRealm.PARTNER_APP, "client_secret", "wrong"), null, null),
                new Case("unknown client", Map.of("grant_type", "client_credentials", "client_id", "nobody",
                        "client_secret", "x"), null, null),
                new Case("missing client secret", Map.of("grant_type", "client_credentials", "client_id",
                        TestRealm.PARTNER_APP), null, null),
                new Case("client credentials via HTTP Basic", Map.of("grant_type", "client_credentials"),
                        TestRealm.EMAIL_GATEWAY, TestRealm.EMAIL_GATEWAY_SECRET),
                new Case("wrong secret via HTTP Basic", Map.of("grant_type", "client_credentials"),
                        TestRealm.EMAIL_GATEWAY, "wrong"),
                new Case("client credentials for a client without service account", Map.of("grant_type",
                        "client_credentials", "client_id", TestRealm.PORTAL, "client_secret", TestRealm.PORTAL_SECRET),
                        null, null),
                new Case("wrong user password", Map.of("grant_type", "password", "client_id", TestRealm.PORTAL,
                        "client_secret", TestRealm.PORTAL_SECRET, "username", "ada.admin", "password", "wrong"), null,
                        null),
                new Case("unknown user", Map.of("grant_type", "password", "client_id", TestRealm.PORTAL,
                        "client_secret", TestRealm.PORTAL_SECRET, "username", "nobody", "password", "x"), null, null),
                new Case("password grant with wrong client secret", Map.of("grant_type", "password", "client_id",
                        TestRealm.PORTAL, "client_secret", "wrong", "username", "ada.admin", "password",
                        "ada.admin-pw"), null, null),
                new Case("password grant on a client without direct access", Map.of("grant_type", "password",
                        "client_id", TestRealm.PARTNER_APP, "client_secret", TestRealm.PARTNER_APP_SECRET, "username",
                        "ada.admin", "password", "ada.admin-pw"), null, null),
                new Case("unsupported grant type", Map.of("grant_type", "magic", "client_id", TestRealm.PARTNER_APP,
                        "client_secret", TestRealm.PARTNER_APP_SECRET), null, null),
                new Case("missing grant type", Map.of("client_id", TestRealm.PARTNER_APP, "client_secret",
                        TestRealm.PARTNER_APP_SECRET), null, null));
        int mismatches = 0;
        for (Case c : cases) {
            InfraSupport.HttpResult real = InfraSupport.postForm(keycloak.tokenEndpoint(), c.form(), c.basicUser(),
                    c.basicPassword());
            InfraSupport.HttpResult ours = InfraSupport.postForm(standIn.tokenEndpoint(), c.form(), c.basicUser(),
                    c.basicPassword());
            String realError = real.status() == 200 ? "" : real.json().path("error").asText();
            String ourError = ours.status() == 200 ? "" : ours.json().path("error").asText();
            boolean same = real.status() == ours.status() && realError.equals(ourError);
            mismatches += same ? 0 : 1;
            report("token error parity: " + c.name() + ": keycloak " + real.status() + " "
                    + (real.status() == 200 ? "ok" : real.body()) + (same ? "  = same" : "  != ours " + ours.status()
                            + " " + (ours.status() == 200 ? "ok" : ours.body())));
        }
        return mismatches;
    }

    private static void checkKeycloakToken(String who, JsonNode claims, String tenant, String role,
            List<String> problems) {
        boolean ok = claims.path("tenant_id").asText().equals(tenant)
                && roles(claims).contains(role)
                && audiences(claims).contains("clientele-api");
        report("keycloak: " + who + " -> tenant_id=" + claims.path("tenant_id") + " roles=" + roles(claims)
                + " aud=" + claims.path("aud") + " azp=" + claims.path("azp") + " sub=" + claims.path("sub")
                + (ok ? " OK" : " MISMATCH"));
        if (!ok) {
            problems.add(who);
        }
    }

    private static List<String> roles(JsonNode claims) {
        List<String> roles = new ArrayList<>();
        claims.path("realm_access").path("roles").forEach(r -> roles.add(r.asText()));
        return roles;
    }

    /** {@code aud} is a string when Keycloak has one audience and an array otherwise. */
    private static List<String> audiences(JsonNode claims) {
        List<String> aud = new ArrayList<>();
        JsonNode node = claims.path("aud");
        if (node.isArray()) {
            node.forEach(a -> aud.add(a.asText()));
        } else if (node.isTextual()) {
            aud.add(node.asText());
        }
        return aud;
    }

    private static boolean verifies(String jwt, PublicKey key) throws Exception {
        int lastDot = jwt.lastIndexOf('.');
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(key);
        rs256.update(jwt.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII));
        return rs256.verify(Base64.getUrlDecoder().decode(jwt.substring(lastDot + 1)));
    }

    private static void expect(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("FAILED: " + what);
        }
    }

    private static long millis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static void report(String line) {
        System.out.println("[selfcheck] " + line);
    }
}
