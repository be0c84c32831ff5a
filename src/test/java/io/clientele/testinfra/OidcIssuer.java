package io.clientele.testinfra;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A small but real OIDC issuer on 127.0.0.1 that answers on Keycloak's paths for realm {@code clientele}:
 * discovery, JWKS (one RSA-2048 key) and the token endpoint (client-credentials and password grants).
 * Tokens are RS256 compact JWS carrying the claims our Keycloak realm issues, so the service verifies them
 * exactly as in production: discovery, key fetch, signature, issuer, audience, expiry.
 *
 * <p>Besides the HTTP grants, tests mint tokens directly, including broken ones (expired, no tenant,
 * foreign signature, wrong audience). Token-endpoint errors use Keycloak 26's status codes and error codes
 * (checked side by side by {@link InfraSelfCheck}), e.g. a wrong client secret is 401 {@code unauthorized_client}
 * and a wrong user password 400 {@code invalid_grant}.
 */
public final class OidcIssuer implements TokenIssuer, AutoCloseable {

    public static final String REALM = "clientele";
    public static final String AUDIENCE = "clientele-api";
    /** {@code azp} of tokens minted directly (not through the token endpoint) unless a test sets another. */
    public static final String DEFAULT_MINT_CLIENT = "clientele-test";
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(10);

    private final HttpServer server;
    private final ExecutorService executor;
    private final String issuer;
    private final KeyPair key;
    private final String kid;
    private volatile KeyPair foreignKey;
    private final Map<String, Client> clients = new ConcurrentHashMap<>();
    private final Map<String, User> users = new ConcurrentHashMap<>();

    private record Client(String id, String secret, boolean serviceAccount, boolean directAccess, String tenant,
            List<String> roles) {
    }

    private record User(String username, String password, String tenant, List<String> roles) {
    }

    private OidcIssuer(HttpServer server, ExecutorService executor, KeyPair key) {
        this.server = server;
        this.executor = executor;
        this.issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/" + REALM;
        this.key = key;
        this.kid = keyId((RSAPublicKey) key.getPublic());
    }

    /** Starts the issuer on 127.0.0.1:{@code port} (0 = a free port); it answers as soon as this returns. */
    public static OidcIssuer start(int port) {
        if (port != 0) {
            InfraSupport.requirePortFree(port, "OIDC issuer");
        }
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "oidc-issuer");
            t.setDaemon(true);
            return t;
        });
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
            OidcIssuer issuer = new OidcIssuer(server, executor, newRsaKey());
            server.createContext("/realms/" + REALM + "/", issuer::handle);
            server.setExecutor(executor);
            server.start();
            return issuer;
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            throw new IllegalStateException("OIDC issuer did not start on port " + port + ": " + e, e);
        }
    }

    // ---- configuration -------------------------------------------------------------------------------

    /**
     * A confidential machine client: the client-credentials grant returns a token of its service account carrying
     * {@code tenant} and {@code roles} (like Keycloak's hardcoded tenant claim plus service-account roles).
     */
    public OidcIssuer registerClient(String clientId, String secret, String tenant, String... roles) {
        clients.put(clientId, new Client(clientId, Objects.requireNonNull(secret, "secret"), true, false, tenant,
                List.of(roles)));
        return this;
    }

    /**
     * A client that only fronts users (password grant), like Keycloak's {@code clientele-portal}: confidential when
     * {@code secret} is not null, and without a service account (client credentials are refused).
     */
    public OidcIssuer registerPasswordClient(String clientId, String secret) {
        clients.put(clientId, new Client(clientId, secret, false, true, null, List.of()));
        return this;
    }

    /** A user for the password grant; the token carries the user's tenant and roles. */
    public OidcIssuer registerUser(String username, String password, String tenant, String... roles) {
        users.put(username, new User(username, password, tenant, List.of(roles)));
        return this;
    }

    // ---- minting -------------------------------------------------------------------------------------

    /** A valid token for {@code subject} in {@code tenant} with realm roles {@code roles}. */
    public String mint(String tenant, String subject, String... roles) {
        return token().tenant(tenant).subject(subject).roles(roles).mint();
    }

    /** Same claims, but expired ten minutes ago. */
    public String mintExpired(String tenant, String subject, String... roles) {
        return token().tenant(tenant).subject(subject).roles(roles)
                .issuedAt(Instant.now().minus(Duration.ofMinutes(20))).lifetime(Duration.ofMinutes(10)).mint();
    }

    /** A valid token without the {@code tenant_id} claim. */
    public String mintWithoutTenant(String subject, String... roles) {
        return token().subject(subject).roles(roles).mint();
    }

    /** Same claims and key id, signed by a key the JWKS does not publish: the signature check must fail. */
    public String mintSignedByForeignKey(String tenant, String subject, String... roles) {
        return token().tenant(tenant).subject(subject).roles(roles).signedByForeignKey().mint();
    }

    /** A valid token whose {@code aud} is only {@code audience}. */
    public String mintWithAudience(String audience, String tenant, String subject, String... roles) {
        return token().tenant(tenant).subject(subject).roles(roles).audience(audience).mint();
    }

    /** Builder for any other token shape. */
    public TokenBuilder token() {
        return new TokenBuilder();
    }

    /** Token under construction; defaults: audience {@code clientele-api}, client {@code clientele-test}, 10 min. */
    public final class TokenBuilder {
        private String subject = "test-user";
        private String username;
        private String tenant;
        private List<String> roles = List.of();
        private List<String> audience = List.of(AUDIENCE);
        private String clientId = DEFAULT_MINT_CLIENT;
        private String scope = "email profile";
        private Instant issuedAt;
        private Duration lifetime = DEFAULT_LIFETIME;
        private boolean foreign;
        private final Map<String, Object> extra = new LinkedHashMap<>();

        private TokenBuilder() {
        }

        /** {@code sub}; also {@code preferred_username} unless {@link #username} is set. */
        public TokenBuilder subject(String subject) {
            this.subject = subject;
            return this;
        }

        public TokenBuilder username(String username) {
            this.username = username;
            return this;
        }

        /** {@code tenant_id}; null omits the claim. */
        public TokenBuilder tenant(String tenant) {
            this.tenant = tenant;
            return this;
        }

        public TokenBuilder roles(String... roles) {
            this.roles = List.of(roles);
            return this;
        }

        public TokenBuilder audience(String... audience) {
            this.audience = List.of(audience);
            return this;
        }

        /** {@code azp}. */
        public TokenBuilder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        public TokenBuilder scope(String scope) {
            this.scope = scope;
            return this;
        }

        public TokenBuilder issuedAt(Instant issuedAt) {
            this.issuedAt = issuedAt;
            return this;
        }

        public TokenBuilder lifetime(Duration lifetime) {
            this.lifetime = lifetime;
            return this;
        }

        public TokenBuilder signedByForeignKey() {
            this.foreign = true;
            return this;
        }

        /** Any additional claim (or an override of a standard one); null removes it. */
        public TokenBuilder claim(String name, Object value) {
            extra.put(name, value);
            return this;
        }

        public String mint() {
            Instant iat = issuedAt != null ? issuedAt : Instant.now();
            Map<String, Object> claims = new LinkedHashMap<>();
            claims.put("exp", iat.plus(lifetime).getEpochSecond());
            claims.put("iat", iat.getEpochSecond());
            claims.put("jti", UUID.randomUUID().toString());
            claims.put("iss", issuer);
            // Keycloak writes a single audience as a string, several as an array.
            claims.put("aud", audience.size() == 1 ? audience.get(0) : audience);
            claims.put("sub", subject);
            claims.put("typ", "Bearer");
            claims.put("azp", clientId);
            claims.put("scope", scope);
            claims.put("realm_access", Map.of("roles", roles));
            claims.put("preferred_username", username != null ? username : subject);
            if (tenant != null) {
                claims.put("tenant_id", tenant);
            }
            extra.forEach((name, value) -> {
                if (value == null) {
                    claims.remove(name);
                } else {
                    claims.put(name, value);
                }
            });
            return sign(claims, foreign ? foreignKey().getPrivate() : key.getPrivate());
        }
    }

    // ---- accessors -----------------------------------------------------------------------------------

    @Override
    public String issuerUrl() {
        return issuer;
    }

    public String jwksUri() {
        return issuer + "/protocol/openid-connect/certs";
    }

    public String discoveryUri() {
        return issuer + "/.well-known/openid-configuration";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public void close() {
        stop();
    }

    // ---- HTTP ----------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            route(exchange);
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath().substring(("/realms/" + REALM).length());
            String method = exchange.getRequestMethod();
            switch (path) {
                case "/.well-known/openid-configuration" -> requireGet(exchange, method, this::discovery);
                case "/protocol/openid-connect/certs" -> requireGet(exchange, method, this::jwks);
                case "/protocol/openid-connect/token" -> {
                    if (!"POST".equals(method)) {
                        send(exchange, 405, error("invalid_request", "HTTP method not allowed"));
                    } else {
                        tokenEndpoint(exchange);
                    }
                }
                case "/protocol/openid-connect/auth" ->
                    send(exchange, 400, error("unsupported_response_type", "this test issuer has no browser flows"));
                default -> send(exchange, 404, error("not_found", "Unknown path " + path));
            }
        } catch (RuntimeException e) {
            // Surface bugs as 500s with a reason rather than a silently dropped connection.
            send(exchange, 500, error("server_error", e.toString()));
        }
    }

    private interface Body {
        Object get();
    }

    private void requireGet(HttpExchange exchange, String method, Body body) throws IOException {
        if (!"GET".equals(method)) {
            send(exchange, 405, error("invalid_request", "HTTP method not allowed"));
        } else {
            send(exchange, 200, body.get());
        }
    }

    private Object discovery() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer);
        doc.put("authorization_endpoint", issuer + "/protocol/openid-connect/auth");
        doc.put("token_endpoint", tokenEndpoint());
        doc.put("jwks_uri", jwksUri());
        doc.put("grant_types_supported", List.of("client_credentials", "password"));
        doc.put("response_types_supported", List.of("code"));
        doc.put("subject_types_supported", List.of("public"));
        doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
        doc.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        doc.put("scopes_supported", List.of("openid", "profile", "email"));
        doc.put("claims_supported", List.of("iss", "sub", "aud", "azp", "exp", "iat", "jti", "typ", "scope",
                "tenant_id", "realm_access", "preferred_username"));
        return doc;
    }

    private Object jwks() {
        RSAPublicKey publicKey = (RSAPublicKey) key.getPublic();
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kid", kid);
        jwk.put("kty", "RSA");
        jwk.put("alg", "RS256");
        jwk.put("use", "sig");
        jwk.put("n", base64Url(unsigned(publicKey.getModulus())));
        jwk.put("e", base64Url(unsigned(publicKey.getPublicExponent())));
        return Map.of("keys", List.of(jwk));
    }

    private void tokenEndpoint(HttpExchange exchange) throws IOException {
        Map<String, String> form = parseForm(new String(exchange.getRequestBody().readAllBytes(),
                StandardCharsets.UTF_8));
        String clientId = form.get("client_id");
        String secret = form.get("client_secret");
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                        StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                send(exchange, 401, error("invalid_client", "Invalid client or Invalid client credentials"));
                return;
            }
            int colon = decoded.indexOf(':');
            if (colon > 0) {
                clientId = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
                secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
            }
        }
        String grant = form.get("grant_type");
        if (grant == null) {
            send(exchange, 400, error("invalid_request", "Missing form parameter: grant_type"));
            return;
        }
        Client client = clientId == null ? null : clients.get(clientId);
        if (client == null) {
            send(exchange, 401, error("invalid_client", "Invalid client or Invalid client credentials"));
            return;
        }
        boolean confidential = client.secret() != null;
        if (confidential && !constantTimeEquals(client.secret(), secret)) {
            // Keycloak 26 answers a known client with a wrong secret this way (an unknown one gets invalid_client).
            send(exchange, 401, error("unauthorized_client", "Invalid client or Invalid client credentials"));
            return;
        }
        switch (grant) {
            case "client_credentials" -> {
                if (!client.serviceAccount()) {
                    send(exchange, 401, error("unauthorized_client", "Client not enabled to retrieve service account"));
                    return;
                }
                String serviceAccount = "service-account-" + client.id();
                String token = token().subject(stableId(serviceAccount)).username(serviceAccount)
                        .tenant(client.tenant()).roles(client.roles().toArray(String[]::new))
                        .clientId(client.id()).mint();
                send(exchange, 200, tokenResponse(token, "email profile"));
            }
            case "password" -> {
                if (!client.directAccess()) {
                    send(exchange, 400, error("unauthorized_client", "Client not allowed for direct access grants"));
                    return;
                }
                User user = users.get(Objects.requireNonNullElse(form.get("username"), ""));
                if (user == null || !constantTimeEquals(user.password(), form.get("password"))) {
                    send(exchange, 400, error("invalid_grant", "Invalid user credentials"));
                    return;
                }
                boolean openid = Arrays.asList(Objects.requireNonNullElse(form.get("scope"), "").split(" "))
                        .contains("openid");
                String scope = openid ? "openid email profile" : "email profile";
                String token = token().subject(stableId(user.username())).username(user.username())
                        .tenant(user.tenant()).roles(user.roles().toArray(String[]::new))
                        .clientId(client.id()).scope(scope).mint();
                send(exchange, 200, tokenResponse(token, scope));
            }
            default -> send(exchange, 400, error("unsupported_grant_type", "Unsupported grant_type"));
        }
    }

    private static Map<String, Object> tokenResponse(String token, String scope) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token);
        body.put("expires_in", DEFAULT_LIFETIME.toSeconds());
        body.put("refresh_expires_in", 0);
        body.put("token_type", "Bearer");
        body.put("not-before-policy", 0);
        body.put("scope", scope);
        return body;
    }

    private static Map<String, Object> error(String code, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("error_description", description);
        return body;
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = InfraSupport.JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.putIfAbsent(name, value);
        }
        return form;
    }

    // ---- crypto --------------------------------------------------------------------------------------

    private String sign(Map<String, Object> claims, PrivateKey signingKey) {
        try {
            ObjectNode header = InfraSupport.JSON.createObjectNode();
            header.put("alg", "RS256");
            header.put("typ", "JWT");
            header.put("kid", kid);
            String signingInput = base64Url(InfraSupport.JSON.writeValueAsBytes(header)) + "."
                    + base64Url(InfraSupport.JSON.writeValueAsBytes(claims));
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(signingKey);
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + base64Url(rs256.sign());
        } catch (GeneralSecurityException | JsonProcessingException e) {
            throw new IllegalStateException("Cannot sign token", e);
        }
    }

    private KeyPair foreignKey() {
        KeyPair k = foreignKey;
        if (k == null) {
            synchronized (this) {
                if (foreignKey == null) {
                    foreignKey = newRsaKey();
                }
                k = foreignKey;
            }
        }
        return k;
    }

    private static KeyPair newRsaKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA unavailable", e);
        }
    }

    /** RFC 7638-style thumbprint, shortened: stable for the key, unique enough for a kid. */
    private static String keyId(RSAPublicKey publicKey) {
        try {
            String canonical = "{\"e\":\"" + base64Url(unsigned(publicKey.getPublicExponent()))
                    + "\",\"kty\":\"RSA\",\"n\":\"" + base64Url(unsigned(publicKey.getModulus())) + "\"}";
            return base64Url(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Big-endian magnitude without the sign byte, as JWK requires. */
    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 && bytes.length > 1 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Same id for the same name on every run, like a Keycloak user id would be within one realm. */
    private static String stableId(String name) {
        return UUID.nameUUIDFromBytes((REALM + "/" + name).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static boolean constantTimeEquals(String expected, String actual) {
        return actual != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                actual.getBytes(StandardCharsets.UTF_8));
    }
}
