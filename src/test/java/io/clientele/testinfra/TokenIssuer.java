package io.clientele.testinfra;

/**
 * What tests need from an identity provider, whether the in-process {@link OidcIssuer} or a real
 * {@link KeycloakServer}: the issuer URL for {@code quarkus.oidc.auth-server-url} and tokens fetched over HTTP
 * from its token endpoint (so the request path is exercised as well).
 */
public interface TokenIssuer {

    /** {@code http://127.0.0.1:PORT/realms/clientele}: the issuer and {@code quarkus.oidc.auth-server-url}. */
    String issuerUrl();

    default String tokenEndpoint() {
        return issuerUrl() + "/protocol/openid-connect/token";
    }

    /** Access token from the client-credentials grant; throws with the error body when refused. */
    default String token(String clientId, String secret) {
        return InfraSupport.clientCredentials(tokenEndpoint(), clientId, secret);
    }

    /** Access token from the password grant; {@code secret} may be null for a public client. */
    default String passwordToken(String clientId, String secret, String username, String password) {
        return InfraSupport.password(tokenEndpoint(), clientId, secret, username, password);
    }
}
