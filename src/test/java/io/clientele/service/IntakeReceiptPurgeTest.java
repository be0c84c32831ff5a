package io.clientele.service;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.clientele.service.intake.IntakeReceiptPurge;
import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

/** Expired dedupe receipts are purged without blocking on rows another replica holds; threading survives. */
@QuarkusTest
@WithTestResource(InfraResource.class)
class IntakeReceiptPurgeTest {

    @Inject
    IntakeReceiptPurge purge;

    private long purge() throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> purge.purge());
    }

    private static long receipts(String tenant, String key) {
        return Db.count("SELECT count(*) FROM intake_receipt WHERE tenant_id = ? AND key = ?", tenant, key);
    }

    private static String post(Api api, String messageId, String subject, String inReplyTo, String result) {
        Map<String, Object> body = IntakeKafkaTest.email(messageId, "purge@example.com", subject, "text of " + subject,
                inReplyTo, null);
        return api.call().body(body).post("/v1/intake/email").then().statusCode(result.equals("created") ? 201 : 200)
                .body("result", equalTo(result)).extract().path("ticketId");
    }

    @Test
    void expiredReceiptsGoLockedOnesWaitAndRepliesStillThread() throws Throwable {
        Api api = Api.freshTenant("integration");
        String tenant = api.tenant();
        String old = post(api, "<old-1@purge.example>", "Old thread", null, "created");
        String held = post(api, "<old-2@purge.example>", "Held thread", null, "created");
        String fresh = post(api, "<fresh-1@purge.example>", "Fresh thread", null, "created");
        Db.execute("""
                UPDATE intake_receipt SET received_at = now() - interval '31 days'
                 WHERE tenant_id = ? AND key IN ('email:old-1@purge.example', 'email:old-2@purge.example')
                """, tenant);
        assertEquals(1, receipts(tenant, "email:old-1@purge.example"), "receipt keys are channel-qualified");

        // Another replica holds one expired receipt: the purge skips it instead of waiting.
        try (Connection other = Db.connect()) {
            other.setAutoCommit(false);
            var lock = other.prepareStatement(
                    "SELECT key FROM intake_receipt WHERE tenant_id = ? AND key = 'email:old-2@purge.example' FOR UPDATE");
            lock.setString(1, tenant);
            lock.executeQuery();
            purge();
            assertEquals(0, receipts(tenant, "email:old-1@purge.example"));
            assertEquals(1, receipts(tenant, "email:old-2@purge.example"), "a locked receipt is left to its holder");
            assertEquals(1, receipts(tenant, "email:fresh-1@purge.example"), "a receipt inside the retention stays");
            other.rollback();
        }
        purge();
        assertEquals(0, receipts(tenant, "email:old-2@purge.example"));
        assertEquals(1, receipts(tenant, "email:fresh-1@purge.example"));
        // Thread keys are not receipts: a reply to a purged message still joins its ticket.
        assertEquals(old, post(api, "<reply-1@purge.example>", "Re: Old thread", "<old-1@purge.example>", "joined"));
        assertEquals(held, post(api, "<reply-2@purge.example>", "Re: Held thread", "<old-2@purge.example>", "joined"));
        // Inside the retention a re-send is still a duplicate; past it, the re-send is taken as new (it threads).
        post(api, "<fresh-1@purge.example>", "Fresh thread", null, "duplicate");
        assertEquals(old, post(api, "<old-1@purge.example>", "Old thread", null, "joined"));
        assertEquals(3, Db.count("SELECT count(*) FROM ticket WHERE tenant_id = ?", tenant));
        assertEquals(fresh, Db.strings("SELECT CAST(ticket_id AS text) FROM intake_receipt WHERE tenant_id = ? AND key = ?",
                tenant, "email:fresh-1@purge.example").get(0));
    }
}
