package io.clientele.service.intake;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.customer.domain.Customer;
import io.clientele.customer.domain.CustomerDraft;
import io.clientele.customer.domain.CustomerKind;
import io.clientele.customer.domain.CustomerRepository;
import io.clientele.customer.domain.CustomerService;
import io.clientele.customer.domain.EmailAddress;
import io.clientele.customer.domain.LifecycleStage;
import io.clientele.customer.domain.NaturalKey;
import io.clientele.customer.domain.PhoneNumber;
import io.clientele.customer.domain.matching.DuplicatePolicy;
import io.clientele.platform.history.ChangeSource;
import io.clientele.platform.security.Caller;
import io.clientele.service.assignment.AssignmentService;
import io.clientele.service.tickets.MessageDirection;
import io.clientele.service.tickets.NewMessage;
import io.clientele.service.tickets.Ticket;
import io.clientele.service.tickets.TicketDraft;
import io.clientele.service.tickets.TicketService;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Turns intake messages into tickets: at most once per message (receipts keyed by the message's
 * natural id), threaded (a reply, a later chat message, a call-back on the same case joins the open
 * ticket), with the requester matched to a customer or created, and new tickets routed.
 */
@ApplicationScoped
public class IntakeService {

    private final IntakeRepository intake;
    private final TicketService tickets;
    private final CustomerRepository customers;
    private final CustomerService customerService;
    private final AssignmentService assignment;

    IntakeService(IntakeRepository intake, TicketService tickets, CustomerRepository customers,
            CustomerService customerService, AssignmentService assignment) {
        this.intake = intake;
        this.tickets = tickets;
        this.customers = customers;
        this.customerService = customerService;
        this.assignment = assignment;
    }

    /** The caller intake from Kafka acts as: recorded as the actor of what it writes. */
    public static Caller gateway(String tenantId, String channel) {
        return new Caller(tenantId, "intake:" + channel, "kafka-intake", Set.of());
    }

    /** A message to ingest and the correlation id its changes and events carry (the CloudEvent id). */
    public record Item(IntakeCommand command, String correlationId) {
    }

    /** Ingests many messages in one transaction, in order (a batch of one Kafka poll). */
    @WithTransaction
    public Uni<List<IntakeOutcome>> ingestAll(List<Item> items) {
        List<IntakeOutcome> outcomes = new ArrayList<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Item item : items) {
            IntakeCommand c = item.command();
            chain = chain.chain(() -> process(gateway(c.tenantId(), c.channel().apiName()), item.correlationId(), c)
                    .invoke(outcomes::add).replaceWithVoid());
        }
        return chain.replaceWith(outcomes);
    }

    @WithTransaction
    public Uni<IntakeOutcome> ingest(Caller caller, String requestId, IntakeCommand command) {
        return process(caller, requestId, command);
    }

    private Uni<IntakeOutcome> process(Caller caller, String requestId, IntakeCommand c) {
        List<String> locks = new ArrayList<>(c.joinKeys());
        if (c.dedupeKey() != null) {
            locks.add(c.dedupeKey());
        }
        return intake.lock(c.tenantId(), locks)
                .chain(() -> c.dedupeKey() == null ? Uni.createFrom().<IntakeRepository.Receipt>nullItem()
                        : intake.receipt(c.tenantId(), c.dedupeKey()))
                .chain(receipt -> receipt != null
                        ? Uni.createFrom().item(new IntakeOutcome(IntakeOutcome.Result.DUPLICATE, receipt.ticketId(),
                                receipt.messageId()))
                        : intake.openThread(c.tenantId(), c.joinKeys()).chain(open -> open != null
                                ? join(caller, requestId, c, open)
                                : open(caller, requestId, c))
                                .call(o -> c.dedupeKey() == null ? Uni.createFrom().voidItem()
                                        : intake.saveReceipt(c.tenantId(), c.dedupeKey(), o.ticketId(),
                                                o.messageId())));
    }

    private Uni<IntakeOutcome> join(Caller caller, String requestId, IntakeCommand c, java.util.UUID ticketId) {
        return tickets.lock(caller, ticketId)
                .chain(t -> tickets.append(caller, requestId, t, message(c)))
                .call(m -> intake.registerThread(c.tenantId(), c.threadKeys(), ticketId, false))
                .map(m -> new IntakeOutcome(IntakeOutcome.Result.JOINED, ticketId, m.id));
    }

    private Uni<IntakeOutcome> open(Caller caller, String requestId, IntakeCommand c) {
        return requester(caller, requestId, c).chain(customer -> {
            TicketDraft draft = new TicketDraft(c.type(), c.channel(), c.priority(), null, c.subject(),
                    customer.id, null, null, c.tags(), new LinkedHashMap<>(c.attributes()));
            return tickets.create(caller, requestId, ChangeSource.INTAKE, draft, null);
        }).chain(t -> tickets.append(caller, requestId, t, message(c))
                .call(() -> assignment.route(caller, requestId, ChangeSource.INTAKE, t))
                .call(() -> intake.registerThread(c.tenantId(), c.threadKeys(), t.id, true))
                .map(m -> new IntakeOutcome(IntakeOutcome.Result.CREATED, t.id, m.id)));
    }

    /**
     * The customer with the sender's email (else phone); an unknown sender becomes a new customer
     * through the customer module's duplicate checking (a likely duplicate absorbs the new contact point).
     */
    private Uni<Customer> requester(Caller caller, String requestId, IntakeCommand c) {
        Uni<List<Customer>> byEmail = c.email() == null ? Uni.createFrom().item(List.of())
                : customers.findByNaturalKey(c.tenantId(), new NaturalKey(NaturalKey.Kind.EMAIL, c.email()), 1);
        return byEmail.chain(found -> !found.isEmpty() || c.phone() == null ? Uni.createFrom().item(found)
                : customers.findByNaturalKey(c.tenantId(), new NaturalKey(NaturalKey.Kind.PHONE, c.phone()), 1))
                .chain(found -> !found.isEmpty() ? Uni.createFrom().item(found.get(0))
                        : customerService.create(caller, requestId, newCustomer(c), DuplicatePolicy.MERGE)
                                .map(CustomerService.Written::customer));
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
