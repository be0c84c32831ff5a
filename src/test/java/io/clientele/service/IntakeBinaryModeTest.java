package io.clientele.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** CloudEvents binary mode on the intake topics (Kafka protocol binding), next to structured mode. */
@QuarkusTest
@WithTestResource(InfraResource.class)
class IntakeBinaryModeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @AfterAll
    static void close() {
        IntakeKafkaTest.close();
    }

    private static void sendBinary(String channel, String key, Map<String, String> attributes, Object data)
            throws Exception {
        ProducerRecord<String, String> record = new ProducerRecord<>("clientele.intake." + channel, key,
                JSON.writeValueAsString(data));
        attributes.forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        IntakeKafkaTest.producer().send(record).get();
    }

    private static Map<String, String> attributes(String tenant, String id) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ce_specversion", "1.0");
        if (id != null) {
            headers.put("ce_id", id);
        }
        headers.put("ce_source", "/gateways/binary");
        headers.put("ce_type", "io.clientele.intake.email");
        headers.put("ce_tenantid", tenant);
        headers.put("content-type", "application/json; charset=utf-8");
        return headers;
    }

    @Test
    void binaryModeBecomesATicketAndStructuredModeStillWorks() throws Exception {
        String tenant = Api.freshTenant().tenant();
        String key = "binary-" + UUID.randomUUID();
        sendBinary("email", key, attributes(tenant, "bin-1"), IntakeKafkaTest.email("<bin-1@mail.example>",
                "bina@example.com", "Sent in binary mode", "headers carry the attributes", null, null));
        // A redelivery of the same binary event is a duplicate, like in structured mode.
        sendBinary("email", key, attributes(tenant, "bin-1"), IntakeKafkaTest.email("<bin-1@mail.example>",
                "bina@example.com", "Sent in binary mode", "headers carry the attributes", null, null));
        // A structured-mode reply on the same thread joins the binary-mode ticket.
        IntakeKafkaTest.send("email", key, IntakeKafkaTest.event(tenant, "email", "struct-1",
                IntakeKafkaTest.email("<struct-1@mail.example>", "bina@example.com", "Re: Sent in binary mode",
                        "structured reply", "<bin-1@mail.example>", null)));
        IntakeKafkaTest.drain(tenant, "email", key);
        assertEquals(1, Db.count("SELECT count(*) FROM ticket WHERE tenant_id = ? AND subject = 'Sent in binary mode'",
                tenant));
        assertEquals(2, Db.count("""
                SELECT count(*) FROM ticket_message m JOIN ticket t ON t.id = m.ticket_id
                 WHERE t.tenant_id = ? AND t.subject = 'Sent in binary mode'
                """, tenant), "the binary message once and the structured reply");
        assertEquals(1, Db.count("SELECT count(*) FROM customer WHERE tenant_id = ? AND 'bina@example.com' = ANY(email_keys)",
                tenant));
    }

    @Test
    void binaryEventsWithoutRequiredAttributesAreDeadLettered() throws Exception {
        String tenant = Api.freshTenant().tenant();
        String key = "binary-poison-" + UUID.randomUUID();
        try (KafkaConsumer<String, String> dlq = IntakeKafkaTest.consumer("clientele.intake.dlq")) {
            Map<String, Object> data = IntakeKafkaTest.email("<no-id@mail.example>", "noid@example.com", "No id",
                    "missing ce_id", null, null);
            sendBinary("email", key, attributes(tenant, null), data);
            Map<String, String> xml = attributes(tenant, "bin-xml");
            xml.put("content-type", "application/xml");
            sendBinary("email", key, xml, data);
            Map<String, String> oldVersion = attributes(tenant, "bin-old");
            oldVersion.put("ce_specversion", "0.3");
            sendBinary("email", key, oldVersion, data);
            IntakeKafkaTest.drain(tenant, "email", key);
            assertEquals(0, Db.count("SELECT count(*) FROM ticket WHERE tenant_id = ? AND subject = 'No id'", tenant));

            List<ConsumerRecord<String, String>> dead = IntakeKafkaTest.deadLetters(dlq, key, 3);
            assertTrue(IntakeKafkaTest.header(dead.get(0), "dead-letter-reason").contains("ce_id"),
                    IntakeKafkaTest.header(dead.get(0), "dead-letter-reason"));
            assertTrue(IntakeKafkaTest.header(dead.get(1), "dead-letter-reason").contains("content-type"));
            assertTrue(IntakeKafkaTest.header(dead.get(2), "dead-letter-reason").contains("ce_specversion"));
            // The original attributes travel with the dead letter, so the record can be fixed and re-sent.
            assertEquals(tenant, IntakeKafkaTest.header(dead.get(0), "ce_tenantid"));
        }
    }
}
