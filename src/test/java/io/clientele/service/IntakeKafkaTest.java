package io.clientele.service;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.service.intake.IntakeRepository;
import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Intake over the real Kafka broker: idempotent on redelivery and re-send, threaded (also when a reply
 * overtakes its original), requester matching, poison records dead-lettered without stalling the
 * partition, and offsets committed only after the database commit.
 */
@QuarkusTest
@WithTestResource(InfraResource.class)
class IntakeKafkaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static KafkaProducer<String, String> producer;

    static synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, InfraResource.kafka().bootstrapServers());
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(p);
        }
        return producer;
    }

    @AfterAll
    static void close() {
        if (producer != null) {
            producer.close();
            producer = null;
        }
    }

    static String event(String tenant, String channel, String id, Map<String, Object> data) throws Exception {
        Map<String, Object> ce = new LinkedHashMap<>();
        ce.put("specversion", "1.0");
        ce.put("id", id);
        ce.put("source", "/gateways/test");
        ce.put("type", "io.clientele.intake." + channel);
        ce.put("tenantid", tenant);
        ce.put("datacontenttype", "application/json");
        ce.put("data", data);
        return JSON.writeValueAsString(ce);
    }

    static RecordMetadata send(String channel, String key, String value) throws Exception {
        return producer().send(new ProducerRecord<>("clientele.intake." + channel, key, value)).get();
    }

    static Map<String, Object> email(String messageId, String from, String subject, String text, String inReplyTo,
            List<String> references) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("messageId", messageId);
        data.put("from", Map.of("email", from, "name", "Mail Person"));
        data.put("subject", subject);
        data.put("text", text);
        if (inReplyTo != null) {
            data.put("inReplyTo", inReplyTo);
        }
        if (references != null) {
            data.put("references", references);
        }
        return data;
    }

    static long tickets(String tenant) {
        return Db.count("SELECT count(*) FROM ticket WHERE tenant_id = ?", tenant);
    }

    static long messages(String tenant) {
        return Db.count("SELECT count(*) FROM ticket_message WHERE tenant_id = ?", tenant);
    }

    static void awaitMessages(String tenant, long n) {
        await().atMost(Duration.ofSeconds(30)).until(() -> messages(tenant) >= n);
    }

    /** A marker message sent last: once it is in, everything sent before it on the partition was handled. */
    static void drain(String tenant, String channel, String key) throws Exception {
        String marker = "<marker-" + UUID.randomUUID() + "@test>";
        Map<String, Object> data = channel.equals("email")
                ? email(marker, "marker@example.com", "marker", "marker", null, null)
                : Map.of("conversationId", key, "messageId", marker, "from", Map.of("email", "marker@example.com"),
                        "text", "marker");
        send(channel, key, event(tenant, channel, UUID.randomUUID().toString(), data));
        String id = marker.replace("<", "").replace(">", "");
        await().atMost(Duration.ofSeconds(30)).until(() -> Db.count(
                "SELECT count(*) FROM ticket_message WHERE tenant_id = ? AND external_id = ?", tenant, id) == 1);
    }

    @Test
    void redeliveredAndResentEmailsCreateOneTicketAndRepliesJoinIt() throws Exception {
        String tenant = Api.freshTenant().tenant();
        String key = "thread-" + UUID.randomUUID();
        String original = event(tenant, "email", "ev-1", email("<orig-1@mail.example>", "Ann@Example.com",
                "Broken login", "I cannot log in", null, null));
        send("email", key, original);
        send("email", key, original); // redelivery: same event
        send("email", key, event(tenant, "email", "ev-1b", email("orig-1@mail.example", "ann@example.com",
                "Broken login", "I cannot log in", null, null))); // re-sent under a new event id
        send("email", key, event(tenant, "email", "ev-2", email("<reply-1@mail.example>", "ann@example.com",
                "Re: Broken login", "still broken", "<orig-1@mail.example>", null)));
        send("email", key, event(tenant, "email", "ev-3", email("<reply-2@mail.example>", "ann@example.com",
                "Re: Re: Broken login", "hello?", null, List.of("<orig-1@mail.example>", "<reply-1@mail.example>"))));
        drain(tenant, "email", key);

        assertEquals(2, tickets(tenant), "the thread and the marker");
        assertEquals(1, Db.count("SELECT count(*) FROM ticket WHERE tenant_id = ? AND subject = 'Broken login'", tenant));
        assertEquals(3, Db.count("SELECT count(*) FROM ticket_message m JOIN ticket t ON t.id = m.ticket_id"
                + " WHERE t.tenant_id = ? AND t.subject = 'Broken login'", tenant));
        // The requester became a customer, once, with the normalised email.
        assertEquals(1, Db.count("SELECT count(*) FROM customer WHERE tenant_id = ? AND 'ann@example.com' = ANY(email_keys)",
                tenant));
        assertEquals(1, Db.count("SELECT count(*) FROM ticket t JOIN customer c ON c.id = t.requester_id"
                + " WHERE t.tenant_id = ? AND t.subject = 'Broken login'", tenant));
    }

    @Test
    void intakeTicketsAreRoutedAndAssigned() throws Exception {
        Api api = Api.freshTenant();
        String team = AssignmentTest.team(api, "Mail desk", "m1", "m2");
        AssignmentTest.rule(api, Map.of("name", "mail", "teamId", team, "strategy", "round_robin",
                "conditions", Map.of("channels", List.of("email"))));
        String key = "routed-" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            send("email", key, event(api.tenant(), "email", "rt-" + i, email("<routed-" + i + "@x>",
                    "routed@example.com", "Routed " + i, "please route", null, null)));
        }
        drain(api.tenant(), "email", key);
        assertEquals(List.of("m1", "m2", "m1"), Db.strings("SELECT assignee_id FROM ticket WHERE tenant_id = ?"
                + " AND subject LIKE 'Routed %' ORDER BY subject", api.tenant()));
        assertEquals(3, Db.count("SELECT count(*) FROM ticket WHERE tenant_id = ? AND subject LIKE 'Routed %'"
                + " AND status = 'open' AND assignment->>'method' = 'rule'", api.tenant()));
    }

    @Test
    void aReplyThatOvertakesItsOriginalStillEndsUpInOneTicket() throws Exception {
        String tenant = Api.freshTenant().tenant();
        String key = "thread-" + UUID.randomUUID();
        send("email", key, event(tenant, "email", "r-1", email("<late-reply@x>", "bo@example.com", "Re: Invoice",
                "see below", "<late-orig@x>", List.of("<late-orig@x>"))));
        send("email", key, event(tenant, "email", "o-1", email("<late-orig@x>", "bo@example.com", "Invoice",
                "wrong amount", null, null)));
        drain(tenant, "email", key);
        assertEquals(1, Db.count("SELECT count(*) FROM ticket WHERE tenant_id = ? AND subject LIKE '%Invoice'", tenant));
        assertEquals(2, Db.count("SELECT count(*) FROM ticket_message m JOIN ticket t ON t.id = m.ticket_id"
                + " WHERE t.tenant_id = ? AND t.subject LIKE '%Invoice'", tenant));
    }

    @Test
    void chatAndPhoneThreadAndMatchKnownCustomers() throws Exception {
        Api api = Api.freshTenant();
        String tenant = api.tenant();
        String known = api.call().body(Map.of("kind", "person", "firstName", "Known", "lastName", "Caller",
                "phones", List.of(Map.of("number", "+41446681800")))).post("/v1/customers").then().statusCode(201)
                .extract().path("id");
        String conversation = "conv-" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            send("chat", conversation, event(tenant, "chat", "c-" + i, Map.of("conversationId", conversation,
                    "messageId", "m-" + i, "from", Map.of("email", "chatter@example.com"), "text", "line " + i)));
        }
        send("chat", conversation, event(tenant, "chat", "c-1", Map.of("conversationId", conversation,
                "messageId", "m-1", "from", Map.of("email", "chatter@example.com"), "text", "line 1")));
        send("phone", "case-1", event(tenant, "phone", "p-1", Map.of("callId", "call-1", "caseId", "case-1",
                "from", Map.of("phone", "044 668 18 00", "region", "CH"), "text", "call notes")));
        send("phone", "case-1", event(tenant, "phone", "p-2", Map.of("callId", "call-2", "caseId", "case-1",
                "from", Map.of("phone", "+41 44 668 18 00"), "text", "call-back")));
        send("phone", "case-1", event(tenant, "phone", "p-2", Map.of("callId", "call-2", "caseId", "case-1",
                "from", Map.of("phone", "+41 44 668 18 00"), "text", "call-back")));
        awaitMessages(tenant, 5);
        drain(tenant, "chat", conversation);
        await().atMost(Duration.ofSeconds(30)).until(() -> Db.count(
                "SELECT count(*) FROM ticket WHERE tenant_id = ? AND channel = 'phone'", tenant) == 1
                && Db.count("SELECT count(*) FROM ticket_message WHERE tenant_id = ? AND channel = 'phone'", tenant) == 2);
        assertEquals(1, Db.count("SELECT count(*) FROM ticket WHERE tenant_id = ? AND channel = 'chat'", tenant));
        assertEquals(4, Db.count("SELECT count(*) FROM ticket_message WHERE tenant_id = ? AND channel = 'chat'", tenant),
                "three lines and the marker, the redelivered line once");
        api.call().queryParam("filter", "channel==phone").get("/v1/tickets").then().statusCode(200)
                .body("items[0].customerId", equalTo(known));
        assertEquals(1, Db.count("SELECT count(*) FROM customer WHERE tenant_id = ? AND '+41446681800' = ANY(phone_keys)",
                tenant), "the known caller was matched, not created again");
    }

    @Test
    void poisonRecordsAreDeadLetteredWithTheReasonAndDoNotStallThePartition() throws Exception {
        String tenant = Api.freshTenant().tenant();
        String key = "poison-" + UUID.randomUUID();
        try (KafkaConsumer<String, String> dlq = consumer("clientele.intake.dlq")) {
            send("email", key, "{not json");
            send("email", key, JSON.writeValueAsString(Map.of("specversion", "1.0", "id", "x", "source", "s",
                    "type", "t", "data", Map.of())));
            send("email", key, event(tenant, "email", "bad-1", Map.of("from", Map.of("email", "a@example.com"),
                    "text", "no message id")));
            send("email", key, event(tenant, "email", "bad-2", Map.of("messageId", "m", "unknownField", 1,
                    "from", Map.of("email", "a@example.com"), "text", "x")));
            send("email", key, event(tenant, "email", "good-1", email("<after-poison@x>", "a@example.com", "Fine",
                    "this one is fine", null, null)));
            drain(tenant, "email", key);
            assertEquals(1, Db.count("SELECT count(*) FROM ticket WHERE tenant_id = ? AND subject = 'Fine'", tenant));

            List<ConsumerRecord<String, String>> dead = deadLetters(dlq, key, 4);
            assertEquals("{not json", dead.get(0).value());
            assertTrue(header(dead.get(0), "dead-letter-reason").startsWith("not JSON"));
            assertTrue(header(dead.get(1), "dead-letter-reason").contains("tenantid"));
            assertTrue(header(dead.get(2), "dead-letter-reason").contains("/messageId"),
                    header(dead.get(2), "dead-letter-reason"));
            assertTrue(header(dead.get(3), "dead-letter-reason").contains("unknownField"),
                    header(dead.get(3), "dead-letter-reason"));
            assertEquals("clientele.intake.email", header(dead.get(3), "dead-letter-topic"));
        }
    }

    @Test
    void offsetsAreCommittedOnlyAfterTheDatabaseCommit() throws Exception {
        String tenant = Api.freshTenant().tenant();
        String key = "held-" + UUID.randomUUID();
        // Holding the intake lock of this message's key makes its transaction wait inside the consumer.
        try (Connection held = Db.connect()) {
            var lock = held.prepareStatement("SELECT pg_advisory_lock(hashtextextended(?, 0))");
            lock.setString(1, IntakeRepository.lockName(tenant, "email:held@x"));
            lock.execute();
            RecordMetadata sent = send("email", key, event(tenant, "email", "held-1", email("<held@x>",
                    "held@example.com", "Held", "held", null, null)));
            TopicPartition partition = new TopicPartition(sent.topic(), sent.partition());
            await().atMost(Duration.ofSeconds(30)).until(() -> Db.count(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") > 0);
            // Stalled mid-transaction: nothing persisted, and the offset not committed past the record.
            assertEquals(0, tickets(tenant));
            assertTrue(committed(partition) <= sent.offset(), "offset committed before the database commit");
            var unlock = held.prepareStatement("SELECT pg_advisory_unlock(hashtextextended(?, 0))");
            unlock.setString(1, IntakeRepository.lockName(tenant, "email:held@x"));
            unlock.execute();
            await().atMost(Duration.ofSeconds(30)).until(() -> tickets(tenant) == 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> committed(partition) > sent.offset());
        }
    }

    @Test
    void restIntakeHasTheSameSemantics() {
        Api api = Api.freshTenant("integration");
        Map<String, Object> body = email("<rest-1@x>", "rest@example.com", "Via REST", "hello", null, null);
        String ticket = api.call().body(body).post("/v1/intake/email").then().statusCode(201)
                .body("result", equalTo("created")).extract().path("ticketId");
        api.call().body(body).post("/v1/intake/email").then().statusCode(200)
                .body("result", equalTo("duplicate")).body("ticketId", equalTo(ticket));
        api.call().body(email("<rest-2@x>", "rest@example.com", "Re: Via REST", "more", "<rest-1@x>", null))
                .post("/v1/intake/email").then().statusCode(200).body("result", equalTo("joined"))
                .body("ticketId", equalTo(ticket));
        api.raw().contentType("application/json").body(Map.of("from", Map.of("email", "rest@example.com")))
                .post("/v1/intake/email").then().statusCode(422).body("type", equalTo("https://clientele.io/problems/validation-failed"));
        api.raw().contentType("application/json").body(body).post("/v1/intake/fax").then().statusCode(404);
        assertEquals(1, tickets(api.tenant()));
        assertEquals(2, messages(api.tenant()));
        assertEquals("intake", Db.strings("SELECT source FROM change_history WHERE tenant_id = ? AND entity_type = 'ticket'"
                + " ORDER BY seq LIMIT 1", api.tenant()).get(0));
    }

    private static long committed(TopicPartition partition) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, InfraResource.kafka().bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("clientele-intake")
                    .partitionsToOffsetAndMetadata().get();
            OffsetAndMetadata o = offsets.get(partition);
            return o == null ? -1 : o.offset();
        }
    }

    /** The dead letters of records sent with {@code key}, once {@code expected} arrived (and no more). */
    static List<ConsumerRecord<String, String>> deadLetters(KafkaConsumer<String, String> dlq, String key, int expected) {
        List<ConsumerRecord<String, String>> dead = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            dlq.poll(Duration.ofMillis(200)).forEach(r -> {
                if (key.equals(r.key())) {
                    dead.add(r);
                }
            });
            return dead.size() >= expected;
        });
        assertEquals(expected, dead.size());
        return dead;
    }

    static String header(ConsumerRecord<String, String> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value());
    }

    static KafkaConsumer<String, String> consumer(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, InfraResource.kafka().bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, String> c = new KafkaConsumer<>(p);
        c.subscribe(List.of(topic));
        return c;
    }
}
