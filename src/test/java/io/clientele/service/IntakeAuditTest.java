package io.clientele.service;

import static io.clientele.service.IntakeKafkaTest.drain;
import static io.clientele.service.IntakeKafkaTest.email;
import static io.clientele.service.IntakeKafkaTest.event;
import static io.clientele.service.IntakeKafkaTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Writes from Kafka intake carry system audit entries, committed with the ticket they create (ADR 0023). */
@QuarkusTest
@WithTestResource(InfraResource.class)
class IntakeAuditTest {

    @Test
    void ticketsCreatedFromKafkaAreAuditedWithTheIntakeActor() throws Exception {
        String tenant = Api.freshTenant().tenant();
        String key = "audit-" + UUID.randomUUID();
        String mail = event(tenant, "email", "audit-ev-1", email("<audit-1@mail.example>", "audit@example.com",
                "Audited", "please help", null, null));
        send("email", key, mail);
        send("email", key, mail); // redelivered: nothing new to audit
        drain(tenant, "email", key);

        // The mail's ticket and the marker's: one entry each, in the tenant, by the channel's system actor.
        assertEquals(2, Db.count("SELECT count(*) FROM audit_log WHERE tenant_id = ? AND method = 'SYSTEM'"
                + " AND actor = 'intake:email' AND action = 'SYSTEM ticket.created' AND outcome = 'success'"
                + " AND target LIKE 'tickets/%' AND status IS NULL", tenant));
        String ticket = Db.strings("SELECT id::text FROM ticket WHERE tenant_id = ? AND subject = 'Audited'", tenant)
                .get(0);
        assertEquals(1, Db.count("SELECT count(*) FROM audit_log WHERE tenant_id = ? AND target = ?"
                + " AND action = 'SYSTEM ticket.created'", tenant, "tickets/" + ticket));
    }
}
