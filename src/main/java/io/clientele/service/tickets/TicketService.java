package io.clientele.service.tickets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.customer.domain.CustomerRepository;
import io.clientele.platform.errors.FieldError;
import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;
import io.clientele.platform.history.ChangeSource;
import io.clientele.platform.history.History;
import io.clientele.platform.history.HistoryEntry;
import io.clientele.platform.http.ETags.Precondition;
import io.clientele.platform.outbox.DomainEvent;
import io.clientele.platform.outbox.Outbox;
import io.clientele.platform.persistence.TenantRecord;
import io.clientele.platform.query.SqlFragment;
import io.clientele.platform.security.Caller;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Ticket use cases; owns the transactions, records field history, emits ticket.* events through the
 * outbox and calls every {@link TicketListener} inside the same transaction.
 */
@ApplicationScoped
public class TicketService {

    public static final String TOPIC = "clientele.tickets";

    public static final String ENTITY = "ticket";

    private final TicketRepository tickets;
    private final CustomerRepository customers;
    private final Outbox outbox;
    private final History history;
    private final Instance<TicketListener> listeners;
    private final ObjectMapper json;

    TicketService(TicketRepository tickets, CustomerRepository customers, Outbox outbox, History history,
            @Any Instance<TicketListener> listeners, ObjectMapper json) {
        this.tickets = tickets;
        this.customers = customers;
        this.outbox = outbox;
        this.history = history;
        this.listeners = listeners;
        this.json = json;
    }

    /** A bulk write of new tickets, for one transaction (see {@link TicketBatch}). */
    public TicketBatch batch() {
        return new TicketBatch(history, outbox, json, listeners);
    }

    /** Creates a ticket (status new unless the draft says otherwise), with its first message when given. */
    @WithTransaction
    public Uni<Ticket> create(Caller caller, String requestId, ChangeSource source, TicketDraft draft,
            NewMessage first) {
        return checkCustomer(caller, draft.customerId()).chain(() -> tickets.persist(newTicket(caller, draft)))
                .call(t -> {
                    TicketView view = TicketView.of(t);
                    return history.record(caller, requestId, source, ENTITY, t.id, t.version, "create", null, view)
                            .chain(() -> outbox.record(caller, requestId, event(t, "ticket.created", createdData(view))))
                            .chain(() -> each(l -> l.created(t)));
                }).call(t -> first == null ? Uni.createFrom().voidItem() : append(caller, requestId, t, first))
                .call(t -> draft.status() == null || draft.status() == TicketStatus.NEW ? Uni.createFrom().voidItem()
                        : transition(caller, requestId, source, t, draft.status()));
    }

    /** A new ticket (status new) as {@link #create} persists it; the bulk path ({@link TicketBatch}) shares it. */
    static Ticket newTicket(Caller caller, TicketDraft draft) {
        Ticket t = new Ticket();
        t.initialise(caller.tenantId());
        t.type = draft.type().apiName();
        t.channel = draft.channel().apiName();
        t.priority = draft.priority().apiName();
        t.status = TicketStatus.NEW.apiName();
        t.subject = draft.subject();
        t.customerId = draft.customerId();
        t.assigneeId = draft.assigneeId();
        t.teamId = draft.teamId();
        t.tags = draft.tags().toArray(String[]::new);
        t.attributes = new LinkedHashMap<>(draft.attributes());
        if (t.assigneeId != null || t.teamId != null) {
            t.assignment = manualAssignment(caller);
        }
        t.createdBy = caller.subject();
        t.updatedBy = caller.subject();
        return t;
    }

    /** Applies {@code change} to the current ticket; a status change must be a valid transition (409). */
    @WithTransaction
    public Uni<Ticket> update(Caller caller, String requestId, UUID id, Precondition precondition,
            Function<Ticket, TicketDraft> change) {
        return lock(caller, id).chain(t -> {
            precondition.check(t.version);
            TicketDraft draft = change.apply(t);
            TicketStatus target = draft.status();
            if (target != null && target != t.status() && !t.status().canMoveTo(target)) {
                throw invalidTransition(t.status(), target);
            }
            return checkCustomer(caller, draft.customerId()).chain(() -> {
                TicketView before = TicketView.of(t);
                boolean reassigned = !Objects.equals(t.assigneeId, draft.assigneeId())
                        || !Objects.equals(t.teamId, draft.teamId());
                List<String> changed = apply(t, draft);
                if (reassigned) {
                    t.assignment = manualAssignment(caller);
                }
                Uni<Void> fields = changed.isEmpty() ? Uni.createFrom().voidItem()
                        : written(caller, requestId, ChangeSource.API, t, before, "ticket.updated", changed)
                                .chain(() -> each(l -> l.updated(t, changed)));
                return fields
                        .chain(() -> reassigned ? announceAssigned(caller, requestId, t) : Uni.createFrom().voidItem())
                        .chain(() -> target != null && target != t.status()
                                ? transition(caller, requestId, ChangeSource.API, t, target)
                                : Uni.createFrom().voidItem())
                        .replaceWith(t);
            });
        });
    }

    /** Moves a ticket to {@code to}; 409 when the transition is not allowed. */
    @WithTransaction
    public Uni<Ticket> changeStatus(Caller caller, String requestId, UUID id, Precondition precondition,
            TicketStatus to) {
        return lock(caller, id).chain(t -> {
            precondition.check(t.version);
            if (t.status() == to) {
                return Uni.createFrom().item(t);
            }
            if (!t.status().canMoveTo(to)) {
                throw invalidTransition(t.status(), to);
            }
            return transition(caller, requestId, ChangeSource.API, t, to).replaceWith(t);
        });
    }

    /**
     * Records that {@code t} went to {@code teamId}/{@code assigneeId} for the reason in {@code why};
     * a new ticket given to an agent becomes open. Must run inside the caller's transaction.
     */
    public Uni<Ticket> assign(Caller caller, String requestId, ChangeSource source, Ticket t, UUID teamId,
            String assigneeId, Map<String, Object> why) {
        TicketView before = TicketView.of(t);
        List<String> changed = setAssignment(t, teamId, assigneeId, why);
        return written(caller, requestId, source, t, before, null, changed)
                .chain(() -> announceAssigned(caller, requestId, t))
                .chain(() -> assigneeId != null && t.status() == TicketStatus.NEW
                        ? transition(caller, requestId, source, t, TicketStatus.OPEN)
                        : Uni.createFrom().voidItem())
                .replaceWith(t);
    }

    /** Sets the assignment of {@code t}; the fields that changed. */
    static List<String> setAssignment(Ticket t, UUID teamId, String assigneeId, Map<String, Object> why) {
        List<String> changed = new ArrayList<>();
        if (!Objects.equals(t.teamId, teamId)) {
            changed.add("teamId");
        }
        if (!Objects.equals(t.assigneeId, assigneeId)) {
            changed.add("assigneeId");
        }
        changed.add("assignment");
        t.teamId = teamId;
        t.assigneeId = assigneeId;
        t.assignment = why;
        return changed;
    }

    /** Appends a message to the thread of ticket {@code id}. */
    @WithTransaction
    public Uni<TicketMessage> addMessage(Caller caller, String requestId, UUID id, NewMessage message) {
        return lock(caller, id).chain(t -> append(caller, requestId, t, message));
    }

    /**
     * Appends to a loaded ticket inside the caller's transaction. A customer writing to a pending or
     * solved ticket reopens it; closed tickets take no more messages (409).
     */
    public Uni<TicketMessage> append(Caller caller, String requestId, Ticket t, NewMessage in) {
        TicketMessage m = newMessage(caller, t, in);
        boolean reopen = reopens(t, in);
        return tickets.persistMessage(m)
                .chain(() -> outbox.record(caller, requestId, event(t, "ticket.message_added", messageData(t, m))))
                .chain(() -> each(l -> l.messageAdded(t, m)))
                .chain(() -> reopen ? transition(caller, requestId, ChangeSource.SYSTEM, t, TicketStatus.OPEN)
                        : Uni.createFrom().voidItem())
                .replaceWith(m);
    }

    /** A message for {@code t}, which now shows it as its last; 409 for a closed ticket. */
    static TicketMessage newMessage(Caller caller, Ticket t, NewMessage in) {
        if (t.status() == TicketStatus.CLOSED) {
            throw new ProblemException(ProblemType.CONFLICT, "ticket " + t.id + " is closed and takes no messages");
        }
        TicketMessage m = new TicketMessage();
        m.initialise(caller.tenantId());
        m.ticketId = t.id;
        m.direction = in.direction().apiName();
        m.channel = in.channel().apiName();
        m.body = in.body();
        m.authorId = in.authorId();
        m.sender = in.sender();
        m.externalId = in.externalId();
        m.attachments = new Attachments(in.attachments() == null ? List.of() : List.copyOf(in.attachments()));
        t.lastMessageAt = m.createdAt;
        t.touch();
        return m;
    }

    /** A customer writing to a pending or solved ticket reopens it. */
    static boolean reopens(Ticket t, NewMessage in) {
        return in.direction() == MessageDirection.INBOUND
                && (t.status() == TicketStatus.PENDING || t.status() == TicketStatus.SOLVED);
    }

    /** Moves {@code t} to {@code to} in memory; the status it had. */
    static TicketStatus setStatus(Ticket t, TicketStatus to) {
        TicketStatus from = t.status();
        t.status = to.apiName();
        if (to == TicketStatus.SOLVED) {
            t.solvedAt = TenantRecord.now();
        } else if (to == TicketStatus.OPEN) {
            t.solvedAt = null;
        }
        if (to == TicketStatus.CLOSED) {
            t.closedAt = TenantRecord.now();
        }
        return from;
    }

    static Map<String, Object> createdData(TicketView view) {
        return Map.of("ticket", view);
    }

    static Map<String, Object> messageData(Ticket t, TicketMessage m) {
        return Map.of("ticketId", t.id.toString(), "message", TicketView.Message.of(m));
    }

    static Map<String, Object> statusData(Ticket t, TicketStatus from, TicketStatus to) {
        return Map.of("ticket", TicketView.of(t), "from", from.apiName(), "to", to.apiName());
    }

    static Map<String, Object> assignedData(Ticket t) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("ticket", TicketView.of(t));
        if (t.assignment != null) {
            data.put("assignment", t.assignment);
        }
        return data;
    }

    private Uni<Void> transition(Caller caller, String requestId, ChangeSource source, Ticket t, TicketStatus to) {
        TicketView before = TicketView.of(t);
        TicketStatus from = setStatus(t, to);
        return written(caller, requestId, source, t, before, null, List.of("status"))
                .chain(() -> outbox.record(caller, requestId, event(t, "ticket.status_changed", statusData(t, from, to))))
                .chain(() -> each(l -> l.statusChanged(t, from, to)));
    }

    private Uni<Void> announceAssigned(Caller caller, String requestId, Ticket t) {
        return outbox.record(caller, requestId, event(t, "ticket.assigned", assignedData(t)))
                .chain(() -> each(l -> l.assigned(t)));
    }

    /** Flushes a changed ticket, records its history entry and, with {@code eventType}, an event. */
    private Uni<Void> written(Caller caller, String requestId, ChangeSource source, Ticket t, TicketView before,
            String eventType, List<String> changed) {
        t.touch();
        t.updatedBy = caller.subject();
        return tickets.flush().chain(() -> {
            TicketView after = TicketView.of(t);
            Uni<Void> recorded = history.record(caller, requestId, source, ENTITY, t.id, t.version, "update",
                    before, after);
            return eventType == null ? recorded
                    : recorded.chain(() -> outbox.record(caller, requestId, event(t, eventType,
                            Map.of("ticket", after, "changedFields", changed))));
        });
    }

    private static List<String> apply(Ticket t, TicketDraft d) {
        List<String> changed = new ArrayList<>();
        t.type = set(changed, "type", t.type, d.type().apiName());
        t.priority = set(changed, "priority", t.priority, d.priority().apiName());
        t.subject = set(changed, "subject", t.subject, d.subject());
        t.customerId = set(changed, "customerId", t.customerId, d.customerId());
        t.assigneeId = set(changed, "assigneeId", t.assigneeId, d.assigneeId());
        t.teamId = set(changed, "teamId", t.teamId, d.teamId());
        List<String> tags = set(changed, "tags", Arrays.asList(t.tags), d.tags());
        t.tags = tags.toArray(String[]::new);
        t.attributes = set(changed, "attributes", t.attributes, new LinkedHashMap<>(d.attributes()));
        return changed;
    }

    private static <T> T set(List<String> changed, String field, T current, T next) {
        if (!Objects.equals(current, next)) {
            changed.add(field);
        }
        return next;
    }

    static Map<String, Object> manualAssignment(Caller caller) {
        Map<String, Object> why = new LinkedHashMap<>();
        why.put("method", "manual");
        why.put("reason", "set by " + caller.subject());
        why.put("at", TenantRecord.now().toString());
        return why;
    }

    private Uni<Void> checkCustomer(Caller caller, UUID customerId) {
        if (customerId == null) {
            return Uni.createFrom().voidItem();
        }
        return customers.findActive(caller.tenantId(), customerId).invoke(c -> {
            if (c == null) {
                throw new ProblemException(ProblemType.VALIDATION_FAILED, "/customerId: no such customer",
                        List.of(new FieldError("/customerId", "no customer with this id exists")));
            }
        }).replaceWithVoid();
    }

    private Uni<Void> each(Function<TicketListener, Uni<Void>> call) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (TicketListener listener : listeners) {
            chain = chain.chain(() -> call.apply(listener));
        }
        return chain;
    }

    /** The ticket, locked for this transaction so concurrent writers (agents, intake) queue up. */
    public Uni<Ticket> lock(Caller caller, UUID id) {
        return tickets.getSession()
                .chain(s -> s.createSelectionQuery("from Ticket where id = :id and tenantId = :tenant", Ticket.class)
                        .setParameter("id", id).setParameter("tenant", caller.tenantId())
                        .setLockMode(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                        .getSingleResultOrNull())
                .map(t -> {
                    if (t == null) {
                        throw ProblemException.notFound("ticket", id);
                    }
                    return t;
                });
    }

    @WithSession
    public Uni<Ticket> get(Caller caller, UUID id) {
        return tickets.find(caller.tenantId(), id).map(t -> {
            if (t == null) {
                throw ProblemException.notFound("ticket", id);
            }
            return t;
        });
    }

    @WithSession
    public Uni<List<Ticket>> list(Caller caller, String scope, SqlFragment where, String orderBy, int limit) {
        return tickets.list(caller.tenantId(), scope, where, orderBy, limit);
    }

    /** The thread of a ticket the caller may read, oldest first. */
    @WithSession
    public Uni<List<TicketMessage>> messages(Caller caller, UUID id, SqlFragment where, String orderBy, int limit) {
        return get(caller, id).chain(t -> tickets.messages(caller.tenantId(), id, where, orderBy, limit));
    }

    @WithSession
    public Uni<List<HistoryEntry>> history(Caller caller, UUID id, SqlFragment where, String orderBy, int limit) {
        return get(caller, id).chain(t -> history.entries(caller.tenantId(), ENTITY, id, where, orderBy, limit));
    }

    static ProblemException invalidTransition(TicketStatus from, TicketStatus to) {
        return new ProblemException(ProblemType.CONFLICT, "a ticket cannot move from " + from.apiName() + " to "
                + to.apiName() + "; allowed: " + from.next().stream().map(TicketStatus::apiName).toList())
                .with("field", "status");
    }

    static DomainEvent event(Ticket t, String type, Object data) {
        return new DomainEvent(TOPIC, "tickets", t.id.toString(), type, data);
    }
}
