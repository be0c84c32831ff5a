package io.clientele.testinfra;

import java.util.List;

/**
 * The clients and users of the test realm. {@code src/test/resources/keycloak/clientele-realm.json} declares the
 * same ones for the real Keycloak, and {@link #applyTo(OidcIssuer)} registers them with the in-process issuer, so a
 * test using these names runs unchanged against either. All secrets and passwords are test-only values.
 */
public final class TestRealm {

    public static final String TENANT = "acme";
    public static final String OTHER_TENANT = "globex";

    /** Confidential client, client-credentials grant; service account with role integration in tenant acme. */
    public static final String PARTNER_APP = "partner-app";
    public static final String PARTNER_APP_SECRET = "partner-app-test-secret";
    /** Service-account client of the email intake gateway; role integration, tenant acme. */
    public static final String EMAIL_GATEWAY = "email-gateway";
    public static final String EMAIL_GATEWAY_SECRET = "email-gateway-test-secret";
    /** Confidential client with the password grant, for the test users. */
    public static final String PORTAL = "clientele-portal";
    public static final String PORTAL_SECRET = "clientele-portal-test-secret";

    /** A user of the realm; the password is always {@code <username>-pw}. */
    public record TestUser(String username, String tenant, String role) {
        public String password() {
            return username + "-pw";
        }
    }

    public static final TestUser ADA_ADMIN = new TestUser("ada.admin", TENANT, "admin");
    public static final TestUser MAX_MANAGER = new TestUser("max.manager", TENANT, "manager");
    public static final TestUser SAM_SALES = new TestUser("sam.sales", TENANT, "sales");
    public static final TestUser ALEX_AGENT = new TestUser("alex.agent", TENANT, "agent");
    public static final TestUser IAN_INTEGRATION = new TestUser("ian.integration", TENANT, "integration");
    public static final TestUser RITA_READONLY = new TestUser("rita.readonly", TENANT, "read-only");
    public static final TestUser GUS_ADMIN = new TestUser("gus.admin", OTHER_TENANT, "admin");

    public static final List<TestUser> USERS = List.of(ADA_ADMIN, MAX_MANAGER, SAM_SALES, ALEX_AGENT, IAN_INTEGRATION,
            RITA_READONLY, GUS_ADMIN);

    public static final List<String> ROLES = List.of("admin", "manager", "sales", "agent", "integration", "read-only");

    private TestRealm() {
    }

    /** Registers the realm's clients and users with the in-process issuer. */
    public static OidcIssuer applyTo(OidcIssuer issuer) {
        issuer.registerClient(PARTNER_APP, PARTNER_APP_SECRET, TENANT, "integration");
        issuer.registerClient(EMAIL_GATEWAY, EMAIL_GATEWAY_SECRET, TENANT, "integration");
        issuer.registerPasswordClient(PORTAL, PORTAL_SECRET);
        for (TestUser user : USERS) {
            issuer.registerUser(user.username(), user.password(), user.tenant(), user.role());
        }
        return issuer;
    }

    /** Password-grant token for {@code user} through the portal client. */
    public static String passwordToken(TokenIssuer issuer, TestUser user) {
        return issuer.passwordToken(PORTAL, PORTAL_SECRET, user.username(), user.password());
    }

    /** Client-credentials token of the partner app. */
    public static String partnerToken(TokenIssuer issuer) {
        return issuer.token(PARTNER_APP, PARTNER_APP_SECRET);
    }
}
