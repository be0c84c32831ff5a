package io.clientele.platform.ratelimit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Contract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;

/**
 * Limits per tenant and per client from configuration (test overrides in application.properties), enforced in
 * Redis: headers on every answer, 429 problem+json with Retry-After, shared across limiter instances, fail-open
 * without Redis.
 */
@QuarkusTest
@WithTestResource(InfraResource.class)
class RateLimitTest {

    /** A caller of a fixed tenant (the overrides are keyed by tenant id), unique per test run by subject. */
    private static RequestSpecification as(String tenant, String client) {
        var token = InfraResource.oidc().token().tenant(tenant).subject("rl-user").roles("admin");
        if (client != null) {
            token.clientId(client);
        }
        return given().filter(Contract.FULL).auth().oauth2(token.mint());
    }

    @Test
    void everyAnswerCarriesThePolicyAndWhatIsLeft() {
        Api api = Api.freshTenant();
        api.call().get("/v1/tags").then().statusCode(200)
                .header("RateLimit-Policy", equalTo("\"client\";q=1000000;w=60, \"tenant\";q=1000000;w=60"))
                .header("RateLimit", matchesPattern("\"client\";r=\\d+;t=\\d+, \"tenant\";r=\\d+;t=\\d+"));
    }

    @Test
    void aBurstOverTheTenantQuotaIs429WithRetryAfter() {
        String tenant = "rl-burst";
        for (int i = 0; i < 5; i++) {
            as(tenant, null).get("/v1/tags").then().statusCode(200)
                    .header("RateLimit", containsString("\"tenant\";r=" + (4 - i) + ";"));
        }
        Response rejected = as(tenant, null).get("/v1/tags");
        rejected.then().statusCode(429)
                .contentType("application/problem+json")
                .body("type", equalTo("https://clientele.io/problems/too-many-requests"))
                .body("status", equalTo(429))
                .header("Retry-After", matchesPattern("[1-9]\\d*"))
                .header("RateLimit", containsString("\"tenant\";r=0;"));
        // 5 per 60 s refills one request every 12 s.
        int retryAfter = Integer.parseInt(rejected.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 12, "Retry-After " + retryAfter);
        // A rejected request consumed nothing: still rejected, not further in debt.
        as(tenant, null).get("/v1/tags").then().statusCode(429);
    }

    @Test
    void aClientOverrideLimitsThatClientOnly() {
        String tenant = "rl-client-tenant";
        for (int i = 0; i < 3; i++) {
            as(tenant, "rl-client").get("/v1/tags").then().statusCode(200);
        }
        as(tenant, "rl-client").get("/v1/tags").then().statusCode(429)
                .body("detail", containsString("client"));
        // Another client of the same tenant has its own (default) budget.
        as(tenant, "other-client").get("/v1/tags").then().statusCode(200);
    }

    @Test
    void twoLimiterInstancesShareOneBudgetThroughRedis() {
        String tenant = "rl-shared";
        // This service instance spends 3 of the tenant's 6 requests...
        for (int i = 0; i < 3; i++) {
            as(tenant, null).get("/v1/tags").then().statusCode(200);
        }
        // ...a second limiter, with its own Redis connection (as in another replica), sees and spends the rest...
        Vertx vertx = Vertx.vertx();
        Redis redis = Redis.createClient(vertx, InfraResource.redis().uri());
        try {
            RateLimiter other = new RateLimiter(redis);
            List<RateLimiter.Limit> limits = List.of(new RateLimiter.Limit("tenant", "rl:" + tenant + ":t", 6,
                    Duration.ofSeconds(60)));
            for (int i = 0; i < 3; i++) {
                RateLimiter.Decision d = other.check(limits).await().atMost(Duration.ofSeconds(5));
                assertTrue(d.admitted());
                assertEquals(2 - i, d.states().get(0).remaining());
            }
            assertFalse(other.check(limits).await().atMost(Duration.ofSeconds(5)).admitted());
        } finally {
            redis.close();
            vertx.closeAndAwait();
        }
        // ...so this instance now refuses the tenant.
        as(tenant, null).get("/v1/tags").then().statusCode(429);
    }

    @Test
    void withoutRedisRequestsAreServedUnlimited() {
        String tenant = "rl-down";
        InfraResource.redis().stop();
        try {
            // Quota 2: five requests all pass, without rate-limit fields (nothing could be counted).
            for (int i = 0; i < 5; i++) {
                as(tenant, null).get("/v1/tags").then().statusCode(200).header("RateLimit", nullValue());
            }
        } finally {
            InfraResource.redis().restart();
        }
        as(tenant, null).get("/v1/tags").then().statusCode(200).header("RateLimit", containsString("\"tenant\";r=1;"));
    }
}
