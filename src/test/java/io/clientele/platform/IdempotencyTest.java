package io.clientele.platform;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

@QuarkusTest
@WithTestResource(InfraResource.class)
class IdempotencyTest {

    private static final Map<String, Object> BODY = Map.of("kind", "company", "name", "Idem Corp");

    @Test
    void sameKeySameBodyReplaysTheOriginalResponse() {
        Api api = Api.freshTenant();
        Response first = api.call().header("Idempotency-Key", "k-1").body(BODY).post("/v1/customers");
        first.then().statusCode(201);
        // Same content, other field order and whitespace: still the same request.
        Response second = api.call().header("Idempotency-Key", "k-1")
                .body("{ \"name\": \"Idem Corp\",   \"kind\": \"company\" }").post("/v1/customers");
        second.then().statusCode(201).header("Idempotent-Replayed", "true")
                .header("Location", first.header("Location")).header("ETag", first.header("ETag"))
                .body("id", equalTo(first.path("id")));
        assertEquals(1, Db.customers(api.tenant()));
    }

    @Test
    void sameKeyOtherBodyIs422AndWritesNothing() {
        Api api = Api.freshTenant();
        api.call().header("Idempotency-Key", "k-2").body(BODY).post("/v1/customers").then().statusCode(201);
        api.call().header("Idempotency-Key", "k-2").body(Map.of("kind", "company", "name", "Different"))
                .post("/v1/customers").then().statusCode(422)
                .body("type", equalTo("https://clientele.io/problems/idempotency-key-reused"));
        assertEquals(1, Db.customers(api.tenant()));
    }

    @Test
    void keysAreScopedToTheCaller() {
        Api alice = Api.freshTenant();
        Api bob = alice.as("bob", "admin");
        alice.call().header("Idempotency-Key", "shared").body(BODY).post("/v1/customers").then().statusCode(201);
        bob.call().header("Idempotency-Key", "shared").body(BODY).post("/v1/customers").then().statusCode(201)
                .header("Idempotent-Replayed", org.hamcrest.Matchers.nullValue());
        assertEquals(2, Db.customers(alice.tenant()));
    }

    @Test
    void failedRequestsDoNotBurnTheKey() {
        Api api = Api.freshTenant();
        api.raw().contentType("application/json").header("Idempotency-Key", "k-3")
                .body(Map.of("kind", "company")).post("/v1/customers").then().statusCode(422);
        api.call().header("Idempotency-Key", "k-3").body(BODY).post("/v1/customers").then().statusCode(201)
                .header("Idempotent-Replayed", org.hamcrest.Matchers.nullValue());
        api.raw().contentType("application/json").header("Idempotency-Key", "x".repeat(256))
                .body(BODY).post("/v1/customers").then().statusCode(400);
        assertEquals(1, Db.customers(api.tenant()));
    }

    @Test
    void concurrentRetriesCreateExactlyOneRecord() throws Exception {
        Api api = Api.freshTenant();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            Set<String> ids = ConcurrentHashMap.newKeySet();
            List<Callable<Integer>> calls = java.util.stream.IntStream.range(0, 16)
                    .<Callable<Integer>>mapToObj(i -> () -> {
                        Response r = api.call().header("Idempotency-Key", "race").body(BODY).post("/v1/customers");
                        ids.add(r.path("id"));
                        return r.statusCode();
                    }).toList();
            for (Future<Integer> f : pool.invokeAll(calls)) {
                assertEquals(201, f.get());
            }
            assertEquals(1, ids.size());
            assertEquals(1, Db.customers(api.tenant()));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void withRedisDownRetriesStillNeverDuplicate() throws Exception {
        Api api = Api.freshTenant();
        InfraResource.redis().stop();
        try {
            Response first = api.call().header("Idempotency-Key", "no-redis").body(BODY).post("/v1/customers");
            first.then().statusCode(201);
            api.call().header("Idempotency-Key", "no-redis").body(BODY).post("/v1/customers")
                    .then().statusCode(201).header("Idempotent-Replayed", "true")
                    .body("id", equalTo(first.path("id")));
        } finally {
            InfraResource.redis().restart();
        }
        // Redis back: the key is still honoured (from the database, then cached).
        api.call().header("Idempotency-Key", "no-redis").body(BODY).post("/v1/customers")
                .then().statusCode(201).header("Idempotent-Replayed", "true");
        assertEquals(1, Db.customers(api.tenant()));
    }
}
