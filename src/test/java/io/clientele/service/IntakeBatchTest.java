package io.clientele.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;

import io.clientele.service.intake.IntakeCommand;
import io.clientele.service.intake.IntakeData;
import io.clientele.service.intake.IntakeOutcome;
import io.clientele.service.intake.IntakeService;
import io.clientele.service.tickets.TicketChannel;
import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

/**
 * The set-based batch path of intake: one transaction per batch that must behave exactly as the messages
 * did one by one (duplicates, threads and assignment inside the batch, the same events and history), and
 * whose failure for one message does not keep the others out.
 */
@QuarkusTest
@WithTestResource(InfraResource.class)
class IntakeBatchTest {

    /**
     * What the one-by-one path (before the batch path existed) wrote for a routed email and its reply: recorded
     * with this trace on tree ed7c856 through REST, where the actor is the REST caller.
     */
    static final String ONE_BY_ONE = """
            ticket.created v=0 status=new assignee=- last=false keys=ticket
            ticket.message_added v=- status=- assignee=- last=false keys=message,ticketId msg=hello
            ticket.assigned v=2 status=new assignee=a1 last=true keys=assignment,ticket
            ticket.status_changed v=3 status=open assignee=a1 last=true keys=from,ticket,to new>open
            ticket.message_added v=- status=- assignee=- last=false keys=message,ticketId msg=more
            create v=0 source=intake actor=ACTOR fields=channel,customerId,id,priority,status,subject,type snapshot.v=0
            update v=2 source=intake actor=ACTOR fields=assigneeId,assignment,teamId snapshot.v=2
            update v=3 source=intake actor=ACTOR fields=status snapshot.v=3
            ticket v=4 status=open assignee=a1 team=true last=true updated>=created=true by=ACTOR messages=2 clocks=2""";

    @Inject
    IntakeService intake;

    static IntakeData email(String messageId, String from, String subject, String text, String inReplyTo,
            List<String> references) {
        return new IntakeData(messageId, inReplyTo, references, null, null, null, null, null,
                new IntakeData.Party(from, null, null, "Batch Person"), subject, text, null, null, null, null, null);
    }

    static IntakeService.Item item(String tenant, IntakeData data) {
        String event = UUID.randomUUID().toString();
        return new IntakeService.Item(IntakeCommand.of(tenant, TicketChannel.EMAIL, data, event), event);
    }

    List<IntakeOutcome> ingest(List<IntakeService.Item> items) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> intake.ingestAll(items));
    }

    static void setUp(Api api, String strategy, String... members) {
        String team = AssignmentTest.team(api, "Desk", members);
        AssignmentTest.rule(api, Map.of("name", "all", "teamId", team, "strategy", strategy,
                "conditions", Map.of("channels", List.of("email"))));
        api.call().body(Map.of("name", "P", "priorities", List.of("normal"), "targets",
                Map.of("firstResponse", "PT1H", "nextResponse", "PT2H", "resolution", "PT8H")))
                .post("/v1/sla/policies").then().statusCode(201);
    }

    @Test
    void restIntakeWritesWhatOneByOneWrote() {
        Api api = Api.freshTenant("admin");
        setUp(api, "least_loaded", "a1", "a2");
        try (KafkaConsumer<String, String> events = IntakeKafkaTest.consumer("clientele.tickets")) {
        api.call().body(IntakeKafkaTest.email("<base-1@x>", "base@example.com", "Base", "hello", null, null))
                .post("/v1/intake/email").then().statusCode(201);
        api.call().body(IntakeKafkaTest.email("<base-2@x>", "base@example.com", "Re: Base", "more", "<base-1@x>", null))
                .post("/v1/intake/email").then().statusCode(200);
        String trace = IntakeTrace.of(events, api.tenant(), "Base", 5);
        System.out.println("TRACE-BEGIN\n" + trace + "\nTRACE-END");
        assertEquals(ONE_BY_ONE.replace("ACTOR", api.subject()), trace);
        }
    }

    @Test
    void aBatchWritesWhatOneByOneWrote() throws Throwable {
        Api api = Api.freshTenant("admin");
        setUp(api, "least_loaded", "a1", "a2");
        try (KafkaConsumer<String, String> events = IntakeKafkaTest.consumer("clientele.tickets")) {
        // Created and replied to within the same batch.
        List<IntakeOutcome> outcomes = ingest(List.of(
                item(api.tenant(), email("<b-1@x>", "base@example.com", "Base", "hello", null, null)),
                item(api.tenant(), email("<b-2@x>", "base@example.com", "Re: Base", "more", "<b-1@x>", null))));
        assertEquals(IntakeOutcome.Result.CREATED, outcomes.get(0).result());
        assertEquals(IntakeOutcome.Result.JOINED, outcomes.get(1).result());
        assertEquals(outcomes.get(0).ticketId(), outcomes.get(1).ticketId());
        assertEquals(ONE_BY_ONE.replace("ACTOR", "intake:email"), IntakeTrace.of(events, api.tenant(), "Base", 5));
        }
    }

    @Test
    void duplicatesInsideABatchAreIngestedOnce() throws Throwable {
        String tenant = Api.freshTenant().tenant();
        IntakeData a = email("<dup-a@x>", "dup@example.com", "Dup A", "a", null, null);
        List<IntakeOutcome> outcomes = ingest(List.of(item(tenant, a), item(tenant, a),
                item(tenant, email("dup-a@x", "dup@example.com", "Dup A", "a", null, null)),
                item(tenant, email("<dup-b@x>", "dup@example.com", "Dup B", "b", null, null))));
        assertEquals(List.of(IntakeOutcome.Result.CREATED, IntakeOutcome.Result.DUPLICATE,
                IntakeOutcome.Result.DUPLICATE, IntakeOutcome.Result.CREATED),
                outcomes.stream().map(IntakeOutcome::result).toList());
        assertEquals(outcomes.get(0), new IntakeOutcome(IntakeOutcome.Result.CREATED, outcomes.get(1).ticketId(),
                outcomes.get(2).messageId()));
        assertEquals(2, IntakeKafkaTest.tickets(tenant));
        assertEquals(2, IntakeKafkaTest.messages(tenant));
        assertEquals(2, Db.count("SELECT count(*) FROM intake_receipt WHERE tenant_id = ?", tenant));
        assertEquals(1, Db.customers(tenant), "the sender became one customer");
        // And a later batch repeating all of it changes nothing.
        List<IntakeOutcome> again = ingest(List.of(item(tenant, a)));
        assertEquals(IntakeOutcome.Result.DUPLICATE, again.get(0).result());
        assertEquals(outcomes.get(0).ticketId(), again.get(0).ticketId());
        assertEquals(2, IntakeKafkaTest.tickets(tenant));
    }

    @Test
    void repliesThreadOntoTicketsOfTheSameBatchInEitherOrder() throws Throwable {
        String tenant = Api.freshTenant().tenant();
        List<IntakeOutcome> outcomes = ingest(List.of(
                item(tenant, email("<t-1@x>", "th@example.com", "Thread", "first", null, null)),
                item(tenant, email("<late-reply@x>", "th@example.com", "Re: Late", "reply first", "<late-orig@x>",
                        List.of("<late-orig@x>"))),
                item(tenant, email("<t-2@x>", "th@example.com", "Re: Thread", "second", "<t-1@x>", null)),
                item(tenant, email("<late-orig@x>", "th@example.com", "Late", "original last", null, null)),
                item(tenant, email("<t-3@x>", "th@example.com", "Re: Re: Thread", "third", null,
                        List.of("<t-1@x>", "<t-2@x>")))));
        assertEquals(List.of(IntakeOutcome.Result.CREATED, IntakeOutcome.Result.CREATED, IntakeOutcome.Result.JOINED,
                IntakeOutcome.Result.JOINED, IntakeOutcome.Result.JOINED),
                outcomes.stream().map(IntakeOutcome::result).toList());
        UUID thread = outcomes.get(0).ticketId();
        assertEquals(thread, outcomes.get(2).ticketId());
        assertEquals(thread, outcomes.get(4).ticketId());
        assertEquals(outcomes.get(1).ticketId(), outcomes.get(3).ticketId());
        assertNotEquals(thread, outcomes.get(1).ticketId());
        assertEquals(2, IntakeKafkaTest.tickets(tenant));
        assertEquals(3, Db.count("SELECT count(*) FROM ticket_message WHERE ticket_id = CAST(? AS uuid)", thread.toString()));
        // The thread keys point where the one-by-one path points them, so a later batch joins the same tickets.
        List<IntakeOutcome> later = ingest(List.of(
                item(tenant, email("<t-4@x>", "th@example.com", "Re: Thread", "fourth", "<t-3@x>", null)),
                item(tenant, email("<late-2@x>", "th@example.com", "Re: Late", "again", "<late-reply@x>", null))));
        assertEquals(thread, later.get(0).ticketId());
        assertEquals(outcomes.get(1).ticketId(), later.get(1).ticketId());
        assertEquals(IntakeOutcome.Result.JOINED, later.get(1).result());
        assertEquals(2, IntakeKafkaTest.tickets(tenant));
        assertEquals(7, IntakeKafkaTest.messages(tenant));
    }

    @Test
    void aFullBatchOfKnownSendersCompletes() throws Throwable {
        String tenant = Api.freshTenant().tenant();
        ingest(List.of(item(tenant, email("<known-0@x>", "known@example.com", "Known 0", "x", null, null))));
        List<IntakeService.Item> batch = new ArrayList<>();
        for (int i = 1; i <= 500; i++) {
            batch.add(item(tenant, email("<known-" + i + "@x>", "known@example.com", "Known " + i, "x", null, null)));
        }
        // Nothing in this batch needs a query while deciding: it must not nest 500 calls deep.
        List<IntakeOutcome> outcomes = ingest(batch);
        assertEquals(500, outcomes.stream().filter(o -> o.result() == IntakeOutcome.Result.CREATED).count());
        assertEquals(501, IntakeKafkaTest.tickets(tenant));
    }

    @Test
    void aBatchIsOneTransaction() throws Throwable {
        String tenant = Api.freshTenant().tenant();
        // PostgreSQL refuses NUL in text: this message fails in the database, after the batch wrote the others.
        assertThrows(Exception.class, () -> ingest(List.of(
                item(tenant, email("<ok-1@x>", "tx@example.com", "Ok 1", "fine", null, null)),
                item(tenant, email("<nul@x>", "tx@example.com", "Nul", "bad \u0000 byte", null, null)),
                item(tenant, email("<ok-2@x>", "tx@example.com", "Ok 2", "fine", null, null)))));
        assertEquals(0, IntakeKafkaTest.tickets(tenant));
        assertEquals(0, Db.count("SELECT count(*) FROM intake_receipt WHERE tenant_id = ?", tenant));
        assertEquals(0, Db.count("SELECT count(*) FROM outbox_event WHERE tenant_id = ?", tenant));
    }

    @Test
    void aMessageThatFailsInTheDatabaseDoesNotKeepTheRestOfItsBatchOut() throws Exception {
        String tenant = Api.freshTenant().tenant();
        String key = "nul-" + UUID.randomUUID();
        try (KafkaConsumer<String, String> dlq = IntakeKafkaTest.consumer("clientele.intake.dlq")) {
            IntakeKafkaTest.send("email", key, IntakeKafkaTest.event(tenant, "email", "n-1",
                    IntakeKafkaTest.email("<before-nul@x>", "k@example.com", "Before", "fine", null, null)));
            IntakeKafkaTest.send("email", key, "{poison in the middle");
            IntakeKafkaTest.send("email", key, IntakeKafkaTest.event(tenant, "email", "n-2",
                    IntakeKafkaTest.email("<nul-k@x>", "k@example.com", "Nul", "bad \u0000 byte", null, null)));
            IntakeKafkaTest.send("email", key, IntakeKafkaTest.event(tenant, "email", "n-3",
                    IntakeKafkaTest.email("<after-nul@x>", "k@example.com", "After", "fine", null, null)));
            IntakeKafkaTest.send("email", key, IntakeKafkaTest.event(tenant, "email", "n-3",
                    IntakeKafkaTest.email("<after-nul@x>", "k@example.com", "After", "fine", null, null)));
            IntakeKafkaTest.drain(tenant, "email", key);
            assertEquals(List.of("After", "Before"), Db.strings("SELECT subject FROM ticket WHERE tenant_id = ?"
                    + " AND subject IN ('Before', 'After', 'Nul') ORDER BY subject", tenant));
            assertEquals(3, IntakeKafkaTest.messages(tenant), "before, after (once) and the marker");
            List<ConsumerRecord<String, String>> dead = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                dlq.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (key.equals(r.key())) {
                        dead.add(r);
                    }
                });
                return dead.size() >= 2;
            });
            assertEquals("{poison in the middle", dead.get(0).value());
            assertTrue(dead.get(1).value().contains("nul-k@x"));
        }
    }

    @Test
    void loadsAndRoundRobinCountAcrossABatchAsOneByOne() throws Throwable {
        for (String strategy : List.of("least_loaded", "round_robin")) {
            Api batched = Api.freshTenant("admin");
            Api single = Api.freshTenant("admin");
            for (Api api : List.of(batched, single)) {
                setUp(api, strategy, "r1", "r2", "r3");
                AssignmentTest.agent(api, "r1", 2, List.of(), true);
                AssignmentTest.agent(api, "r2", 3, List.of(), true);
                AssignmentTest.agent(api, "r3", 1, List.of(), false);
            }
            List<IntakeService.Item> batch = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                IntakeData data = email("<load-" + i + "@x>", "load" + i + "@example.com", "Load " + i, "x", null, null);
                batch.add(item(batched.tenant(), data));
                ingest(List.of(item(single.tenant(), data)));
            }
            ingest(batch);
            String sql = "SELECT coalesce(assignee_id, '-') || ' ' || status || ' ' || (assignment->>'reason') || ' '"
                    + " || (assignment->'candidates')::text FROM ticket WHERE tenant_id = ? ORDER BY subject";
            List<String> expected = Db.strings(sql, single.tenant());
            assertEquals(expected, Db.strings(sql, batched.tenant()), strategy);
            assertEquals(5, expected.stream().filter(s -> !s.startsWith("-")).count(),
                    strategy + ": capacities 2 + 3, the third agent unavailable: " + expected);
        }
    }
}
