package io.clientele.testing;

import static io.restassured.RestAssured.given;

import java.util.UUID;

import io.clientele.testinfra.InfraResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** REST Assured entry points for a caller of one tenant; every exchange is checked against the contract. */
public final class Api {

    private final String tenant;
    private final String subject;
    private final String[] roles;

    private Api(String tenant, String subject, String... roles) {
        this.tenant = tenant;
        this.subject = subject;
        this.roles = roles;
    }

    /** A caller in a fresh tenant of its own, so tests never see each other's data. */
    public static Api freshTenant(String... roles) {
        return new Api("t-" + UUID.randomUUID().toString().substring(0, 8), "user-" + UUID.randomUUID(),
                roles.length == 0 ? new String[] { "admin" } : roles);
    }

    public Api as(String subject, String... roles) {
        return new Api(tenant, subject, roles);
    }

    public String tenant() {
        return tenant;
    }

    public String subject() {
        return subject;
    }

    public String token() {
        return InfraResource.oidc().mint(tenant, subject, roles);
    }

    /** A request whose request and response must both match the contract. */
    public RequestSpecification call() {
        return given().filter(Contract.FULL).auth().oauth2(token()).contentType(ContentType.JSON);
    }

    /** A deliberately broken request: only the response is held to the contract. */
    public RequestSpecification raw() {
        return given().filter(Contract.RESPONSES).auth().oauth2(token());
    }

    public static RequestSpecification anonymous() {
        return given().filter(Contract.RESPONSES);
    }
}
