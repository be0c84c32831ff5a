package io.clientele.service.intake;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.clientele.customer.domain.CustomerDraft;
import io.clientele.customer.domain.CustomerKind;
import io.clientele.customer.domain.CustomerService;
import io.clientele.customer.domain.EmailAddress;
import io.clientele.customer.domain.LifecycleStage;
import io.clientele.customer.domain.PhoneNumber;
import io.clientele.customer.domain.matching.DuplicatePolicy;
import io.clientele.platform.history.ChangeSource;
import io.clientele.platform.security.Caller;
import io.clientele.service.assignment.AssignmentService;
import io.clientele.service.tickets.MessageDirection;
import io.clientele.service.tickets.NewMessage;
import io.clientele.service.tickets.Ticket;
import io.clientele.service.tickets.TicketBatch;
import io.clientele.service.tickets.TicketDraft;
import io.clientele.service.tickets.TicketMessage;
import io.clientele.service.tickets.TicketService;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Turns intake messages into tickets: at most once per message (receipts keyed by the message's
 * natural id), threaded (a reply, a later chat message, a call-back on the same case joins the open
 * ticket), with the requester matched to a customer or created, and new tickets routed.
 *
 * <p>A Kafka poll's batch is one transaction, written set-based (docs/adr/0020-intake-batch-writes.md):
 * the batch's keys locked with one statement, receipts, thread keys and requesters read with one query
 * each, every message then decided in order in memory (duplicates and threads inside the batch included),
 * and the new tickets, messages, history entries, events, thread keys and receipts written with one
 * statement per table. Unknown requesters (created with duplicate checking) and messages joining a ticket
 * from before the batch still go one by one through the customer and ticket services, in the same
 * transaction. A REST intake is a batch of one.
 */
@ApplicationScoped
public class IntakeService {

    private final IntakeRepository intake;
    private final TicketService tickets;
    private final CustomerService customerService;
    private final AssignmentService assignment;
    private final IntakeTimings timings;

    IntakeService(IntakeRepository intake, TicketService tickets, CustomerService customerService,
            AssignmentService assignment, IntakeTimings timings) {
        this.intake = intake;
        this.tickets = tickets;
        this.customerService = customerService;
        this.assignment = assignment;
        this.timings = timings;
    }

    /** The caller intake from Kafka acts as: recorded as the actor of what it writes. */
    public static Caller gateway(String tenantId, String channel) {
        return new Caller(tenantId, "intake:" + channel, "kafka-intake", Set.of());
    }

    /** A message to ingest, who sends it, and the correlation id its changes and events carry (the CloudEvent id). */
    public record Item(Caller caller, IntakeCommand command, String correlationId) {

        /** A message from a Kafka gateway. */
        public Item(IntakeCommand command, String correlationId) {
            this(gateway(command.tenantId(), command.channel().apiName()), command, correlationId);
        }
    }

    /** Ingests many messages in one transaction, in order (a batch of one Kafka poll); an outcome per item. */
    @WithTransaction
    public Uni<List<IntakeOutcome>> ingestAll(List<Item> items) {
        return Panache.getSession().chain(session -> new Batch(session, items).run());
    }

    @WithTransaction
    public Uni<IntakeOutcome> ingest(Caller caller, String requestId, IntakeCommand command) {
        return Panache.getSession().chain(session -> new Batch(session, List.of(new Item(caller, command, requestId)))
                .run()).map(outcomes -> outcomes.get(0));
    }

    /** One transaction's messages: read what exists in bulk, decide in order in memory, write in bulk. */
    private final class Batch {

        private final Mutiny.Session session;
        private final List<Item> items;
        private final TicketBatch written;
        private final AssignmentService.Router router;
        private final List<IntakeOutcome> outcomes = new ArrayList<>();
        private Map<String, IntakeRepository.Receipt> receipts;
        private Map<String, IntakeRepository.ThreadKey> threads;
        private Map<String, UUID> requesters;
        /** Thread keys this batch points at a ticket (new keys, and those a new ticket took over). */
        private final Map<String, UUID> threadWrites = new LinkedHashMap<>();
        private final List<String> receiptTenants = new ArrayList<>();
        private final List<String> receiptKeys = new ArrayList<>();
        private final List<UUID> receiptTickets = new ArrayList<>();
        private final List<UUID> receiptMessages = new ArrayList<>();
        private final long[] mark = { System.nanoTime() };
        private final IntakeTimings.Batch t = new IntakeTimings.Batch();

        Batch(Mutiny.Session session, List<Item> items) {
            this.session = session;
            this.items = items;
            this.written = tickets.batch();
            this.router = assignment.router();
        }

        Uni<List<IntakeOutcome>> run() {
            return lock().invoke(() -> t.lock += lap(mark))
                    .chain(() -> lookUp()).invoke(() -> t.lookup += lap(mark))
                    .chain(() -> decide()).invoke(() -> t.decide += lap(mark))
                    .chain(() -> write()).invoke(() -> t.write += lap(mark))
                    .chain(() -> written.notifyListeners())
                    .chain(() -> session.flush()).invoke(() -> {
                        t.listeners += lap(mark);
                        t.messages = items.size();
                        t.created = written.size();
                        timings.add(t);
                    })
                    .replaceWith(outcomes);
        }

        /** The dedupe and join keys of every message, locked in one statement (see IntakeRepository#lock). */
        private Uni<Void> lock() {
            Set<String> names = new TreeSet<>();
            for (Item item : items) {
                IntakeCommand c = item.command();
                c.joinKeys().forEach(k -> names.add(IntakeRepository.lockName(c.tenantId(), k)));
                if (c.dedupeKey() != null) {
                    names.add(IntakeRepository.lockName(c.tenantId(), c.dedupeKey()));
                }
            }
            return intake.lockAll(names);
        }

        private Uni<Void> lookUp() {
            Pairs dedupe = new Pairs();
            Pairs keys = new Pairs();
            Pairs contacts = new Pairs();
            List<String> kinds = new ArrayList<>();
            for (Item item : items) {
                IntakeCommand c = item.command();
                if (c.dedupeKey() != null) {
                    dedupe.add(c.tenantId(), c.dedupeKey());
                }
                c.joinKeys().forEach(k -> keys.add(c.tenantId(), k));
                c.threadKeys().forEach(k -> keys.add(c.tenantId(), k));
                if (c.email() != null && contacts.add(c.tenantId(), "email:" + c.email())) {
                    kinds.add("email");
                }
                if (c.phone() != null && contacts.add(c.tenantId(), "phone:" + c.phone())) {
                    kinds.add("phone");
                }
            }
            List<String> values = contacts.keys.stream().map(k -> k.substring(k.indexOf(':') + 1)).toList();
            return intake.receipts(dedupe.tenants, dedupe.keys).invoke(found -> receipts = found)
                    .chain(() -> intake.threads(keys.tenants, keys.keys)).invoke(found -> threads = found)
                    .chain(() -> intake.requesters(contacts.tenants, kinds, values)).invoke(found -> requesters = found)
                    .replaceWithVoid();
        }

        /**
         * Every message in order. Concatenated as a Multi, not as a chain of 250 Unis: most messages are decided
         * without I/O, and a chain completing synchronously nests one call per message on the stack (a batch of
         * 250 hung, its transaction left idle, in bench/intake.sh).
         */
        private Uni<Void> decide() {
            return Multi.createFrom().iterable(items).onItem().transformToUniAndConcatenate(item -> decide(item)
                    .invoke(outcome -> {
                    outcomes.add(outcome);
                    IntakeCommand c = item.command();
                    if (outcome.result() != IntakeOutcome.Result.DUPLICATE && c.dedupeKey() != null) {
                        receipts.put(IntakeRepository.scoped(c.tenantId(), c.dedupeKey()),
                                new IntakeRepository.Receipt(outcome.ticketId(), outcome.messageId()));
                        receiptTenants.add(c.tenantId());
                        receiptKeys.add(c.dedupeKey());
                        receiptTickets.add(outcome.ticketId());
                        receiptMessages.add(outcome.messageId());
                    }
                })).collect().last().replaceWithVoid();
        }

        private Uni<IntakeOutcome> decide(Item item) {
            IntakeCommand c = item.command();
            IntakeRepository.Receipt receipt = c.dedupeKey() == null ? null
                    : receipts.get(IntakeRepository.scoped(c.tenantId(), c.dedupeKey()));
            if (receipt != null) {
                return Uni.createFrom().item(new IntakeOutcome(IntakeOutcome.Result.DUPLICATE, receipt.ticketId(),
                        receipt.messageId()));
            }
            IntakeRepository.ThreadKey open = openThread(c);
            if (open == null) {
                return create(item);
            }
            Ticket mine = written.created(open.ticketId());
            if (mine != null) {
                TicketMessage m = written.append(item.caller(), item.correlationId(), mine, message(c));
                register(c, open, false);
                return Uni.createFrom().item(new IntakeOutcome(IntakeOutcome.Result.JOINED, mine.id, m.id));
            }
            // A ticket from before this batch: it may have to reopen, its SLA clocks may move; one by one.
            t.joinedOlder++;
            return tickets.lock(item.caller(), open.ticketId())
                    .chain(ticket -> tickets.append(item.caller(), item.correlationId(), ticket, message(c)))
                    .map(m -> {
                        register(c, open, false);
                        return new IntakeOutcome(IntakeOutcome.Result.JOINED, open.ticketId(), m.id);
                    });
        }

        private Uni<IntakeOutcome> create(Item item) {
            IntakeCommand c = item.command();
            return requester(item).chain(customerId -> {
                TicketDraft draft = new TicketDraft(c.type(), c.channel(), c.priority(), null, c.subject(), customerId,
                        null, null, c.tags(), new LinkedHashMap<>(c.attributes()));
                Ticket ticket = written.create(item.caller(), item.correlationId(), ChangeSource.INTAKE, draft);
                TicketMessage m = written.append(item.caller(), item.correlationId(), ticket, message(c));
                return router.route(item.caller(), item.correlationId(), ChangeSource.INTAKE, ticket, written)
                        .map(x -> {
                            register(c, new IntakeRepository.ThreadKey(ticket.id, false, micros(ticket.createdAt)),
                                    true);
                            return new IntakeOutcome(IntakeOutcome.Result.CREATED, ticket.id, m.id);
                        });
            });
        }

        /** As IntakeRepository.openThread, on what the database held plus what this batch did so far. */
        private IntakeRepository.ThreadKey openThread(IntakeCommand c) {
            IntakeRepository.ThreadKey best = null;
            for (String key : c.joinKeys()) {
                IntakeRepository.ThreadKey k = threads.get(IntakeRepository.scoped(c.tenantId(), key));
                if (k != null && !k.closed() && (best == null || k.createdMicros() > best.createdMicros())) {
                    best = k;
                }
            }
            return best;
        }

        /** As IntakeRepository.registerThread: with {@code takeOver} keys move to this ticket, else only new keys. */
        private void register(IntakeCommand c, IntakeRepository.ThreadKey ticket, boolean takeOver) {
            for (String key : c.threadKeys()) {
                String scoped = IntakeRepository.scoped(c.tenantId(), key);
                IntakeRepository.ThreadKey now = threads.get(scoped);
                if (now == null || (takeOver && !now.ticketId().equals(ticket.ticketId()))) {
                    threads.put(scoped, ticket);
                    threadWrites.put(scoped, ticket.ticketId());
                }
            }
        }

        /**
         * The customer with the sender's email (else phone); an unknown sender becomes a new customer through
         * the customer module's duplicate checking (one by one: rare once a tenant's senders are known).
         */
        private Uni<UUID> requester(Item item) {
            IntakeCommand c = item.command();
            UUID byEmail = c.email() == null ? null
                    : requesters.get(IntakeRepository.scoped(c.tenantId(), "email:" + c.email()));
            UUID known = byEmail != null || c.phone() == null ? byEmail
                    : requesters.get(IntakeRepository.scoped(c.tenantId(), "phone:" + c.phone()));
            if (known != null) {
                return Uni.createFrom().item(known);
            }
            t.requestersCreated++;
            return customerService.create(item.caller(), item.correlationId(), newCustomer(c), DuplicatePolicy.MERGE)
                    .map(w -> {
                        UUID id = w.customer().id;
                        if (c.email() != null) {
                            requesters.put(IntakeRepository.scoped(c.tenantId(), "email:" + c.email()), id);
                        }
                        if (c.phone() != null) {
                            requesters.putIfAbsent(IntakeRepository.scoped(c.tenantId(), "phone:" + c.phone()), id);
                        }
                        return id;
                    });
        }

        private Uni<Void> write() {
            List<String> tenants = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            List<UUID> ids = new ArrayList<>();
            threadWrites.forEach((scoped, ticketId) -> {
                int split = scoped.indexOf('\u0000');
                tenants.add(scoped.substring(0, split));
                keys.add(scoped.substring(split + 1));
                ids.add(ticketId);
            });
            // Tickets first: thread keys reference them, and their rows precede their events' sequence numbers.
            return written.write(session)
                    .chain(() -> intake.saveThreads(tenants, keys, ids))
                    .chain(() -> intake.saveReceipts(receiptTenants, receiptKeys, receiptTickets, receiptMessages))
                    .chain(() -> router.finish());
        }
    }

    /** Distinct (tenant, key) pairs as two parallel lists, for the array parameters of a look-up. */
    private static final class Pairs {
        final List<String> tenants = new ArrayList<>();
        final List<String> keys = new ArrayList<>();
        private final Set<String> seen = new HashSet<>();

        boolean add(String tenant, String key) {
            if (!seen.add(IntakeRepository.scoped(tenant, key))) {
                return false;
            }
            tenants.add(tenant);
            keys.add(key);
            return true;
        }
    }

    private static long micros(java.time.Instant at) {
        return at.getEpochSecond() * 1_000_000 + at.getNano() / 1_000;
    }

    private static long lap(long[] mark) {
        long now = System.nanoTime();
        long elapsed = now - mark[0];
        mark[0] = now;
        return elapsed;
    }

    static CustomerDraft newCustomer(IntakeCommand c) {
        String first = null;
        String last = null;
        if (c.name() != null) {
            int space = c.name().lastIndexOf(' ');
            first = space < 0 ? c.name() : c.name().substring(0, space).strip();
            last = space < 0 ? null : c.name().substring(space + 1).strip();
        } else {
            first = c.email() != null ? c.email().substring(0, c.email().indexOf('@')) : c.phone();
        }
        List<EmailAddress> emails = c.email() == null ? List.of() : List.of(new EmailAddress(c.email(), null, true));
        List<PhoneNumber> phones = c.phone() == null ? List.of() : List.of(new PhoneNumber(c.phone(), null, true));
        return new CustomerDraft(CustomerKind.PERSON, first, last, null, null, emails, phones, List.of(),
                new LinkedHashMap<>(), null, LifecycleStage.CUSTOMER, null);
    }

    private static NewMessage message(IntakeCommand c) {
        return new NewMessage(MessageDirection.INBOUND, c.channel(), c.body(), null, c.sender(), c.externalId(),
                c.attachments());
    }
}
