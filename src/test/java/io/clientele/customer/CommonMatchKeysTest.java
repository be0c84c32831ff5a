package io.clientele.customer;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.clientele.customer.domain.matching.CommonMatchKeys;
import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Blocks larger than the cap are skipped by the match probe; exact contacts still find their customer. */
@QuarkusTest
@WithTestResource(InfraResource.class)
class CommonMatchKeysTest {

    @Inject
    CommonMatchKeys commonKeys;

    private static Map<String, Object> person(String first, String last) {
        return Map.of("kind", "person", "firstName", first, "lastName", last);
    }

    @Test
    void keysSharedByMoreCustomersThanTheCapAreNotProbed() {
        Api api = Api.freshTenant();
        for (int i = 0; i < 4; i++) {
            CustomerApiTest.create(api, person("Kim", "Leeward"));
        }
        String withEmail = CustomerApiTest.create(api, Map.of("kind", "person", "firstName", "Kim", "lastName",
                "Leeward", "emails", java.util.List.of(Map.of("address", "kim@leeward.example"))));
        CustomerApiTest.create(api, person("Ottoline", "Quarrington"));
        api.call().body(person("Kim", "Leeward")).post("/v1/customers/matches").then().statusCode(200)
                .body("candidates", hasSize(5));
        try {
            // A cap of 3: the five namesakes' keys are common, the single Ottoline's are not.
            assertTrue(commonKeys.estimate(3).await().indefinitely() > 0);
            assertEquals(5L, Db.count("SELECT max(estimated) FROM customer_match_common_key WHERE tenant_id = ?"
                    + " AND key = 'pn:kim leeward'", api.tenant()));
            assertEquals(0L, Db.count("SELECT count(*) FROM customer_match_common_key WHERE tenant_id = ?"
                    + " AND key LIKE '%quarrington%'", api.tenant()));
            // Only the name agrees: every block is over the cap, so nothing is read.
            api.call().body(person("Kim", "Leeward")).post("/v1/customers/matches").then().statusCode(200)
                    .body("candidates", hasSize(0));
            // The email still finds its customer; rare names are still found by name.
            api.call().body(Map.of("kind", "person", "firstName", "Kim", "lastName", "Leeward", "emails",
                    java.util.List.of(Map.of("address", "kim@leeward.example")))).post("/v1/customers/matches")
                    .then().statusCode(200).body("candidates", hasSize(1))
                    .body("candidates[0].customer.id", equalTo(withEmail));
            api.call().body(person("Otoline", "Quarrington")).post("/v1/customers/matches").then().statusCode(200)
                    .body("candidates", hasSize(1));
            // A sample of a bigger table (the statement with TABLESAMPLE): it runs and keeps the table consistent.
            Db.execute("ANALYZE customer");
            assertTrue(commonKeys.estimate(3, 2).await().indefinitely() >= 0);
            assertEquals(0L, Db.count("SELECT count(*) FROM customer_match_common_key WHERE estimated < 3"));
        } finally {
            // Back to the configured cap, so other tests see no common keys.
            commonKeys.estimate(300).await().indefinitely();
        }
        api.call().body(person("Kim", "Leeward")).post("/v1/customers/matches").then().statusCode(200)
                .body("candidates", hasSize(5));
    }
}
