package io.clientele.customer.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

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
import io.clientele.platform.query.GroupQuery;
import io.clientele.platform.query.SqlFragment;
import io.clientele.platform.security.Caller;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/** Customer use cases; owns the transactions, and emits customer.* events through the outbox. */
@ApplicationScoped
public class CustomerService {

    public static final String TOPIC = "clientele.customers";

    public static final String ENTITY = "customer";

    private final CustomerRepository customers;
    private final Outbox outbox;
    private final History history;
    private final Function<Customer, Object> eventView;

    CustomerService(CustomerRepository customers, Outbox outbox, History history, CustomerEvents events) {
        this.customers = customers;
        this.outbox = outbox;
        this.history = history;
        this.eventView = events::view;
    }

    @WithTransaction
    public Uni<Customer> create(Caller caller, String requestId, CustomerDraft draft) {
        return checkReferences(caller, draft, null).chain(() -> {
            Customer c = new Customer();
            c.initialise(caller.tenantId());
            c.apply(draft);
            c.createdBy = caller.subject();
            c.updatedBy = caller.subject();
            return customers.persist(c).call(saved -> {
                Object view = eventView.apply(saved);
                return history.record(caller, requestId, ChangeSource.API, ENTITY, saved.id, saved.version, "create",
                        null, view)
                        .chain(() -> outbox.record(caller, requestId, event(saved, "customer.created",
                                Map.of("customer", view))));
            });
        });
    }

    @WithTransaction
    public Uni<Customer> update(Caller caller, String requestId, UUID id, Precondition precondition,
            Function<Customer, CustomerDraft> change) {
        return get(caller, id).chain(c -> {
            precondition.check(c.version);
            CustomerDraft draft = change.apply(c);
            Object before = eventView.apply(c);
            return checkReferences(caller, draft, c.id).chain(() -> {
                List<String> changed = c.apply(draft);
                if (changed.isEmpty()) {
                    return Uni.createFrom().item(c);
                }
                c.touch();
                c.updatedBy = caller.subject();
                // Flush so the response and the event carry the incremented version.
                return customers.flush().replaceWith(c).call(saved -> {
                    Object after = eventView.apply(saved);
                    return history.record(caller, requestId, ChangeSource.API, ENTITY, saved.id, saved.version,
                            "update", before, after)
                            .chain(() -> outbox.record(caller, requestId, event(saved, "customer.updated",
                                    Map.of("customer", after, "changedFields", changed))));
                });
            });
        });
    }

    @WithTransaction
    public Uni<Void> delete(Caller caller, String requestId, UUID id, Precondition precondition) {
        return get(caller, id).chain(c -> {
            precondition.check(c.version);
            c.deletedAt = TenantRecord.now();
            c.updatedAt = c.deletedAt;
            c.updatedBy = caller.subject();
            return customers.flush()
                    .chain(() -> history.record(caller, requestId, ChangeSource.API, ENTITY, c.id, c.version, "delete",
                            null, eventView.apply(c)))
                    .chain(() -> outbox.record(caller, requestId, event(c, "customer.deleted",
                            Map.of("id", c.id.toString(), "deletedAt", c.deletedAt.toString()))));
        });
    }

    @WithSession
    public Uni<Customer> get(Caller caller, UUID id) {
        return customers.findActive(caller.tenantId(), id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("customer", id));
    }

    @WithSession
    public Uni<List<Customer>> list(Caller caller, CustomerQuery query) {
        return customers.list(caller.tenantId(), query);
    }

    /** The one customer holding a natural key; 404 when none, 409 listing them when several. */
    @WithSession
    public Uni<Customer> lookup(Caller caller, NaturalKey key) {
        return customers.findByNaturalKey(caller.tenantId(), key, 5).map(found -> {
            if (found.isEmpty()) {
                throw new ProblemException(ProblemType.NOT_FOUND, "no customer has " + key.describe());
            }
            if (found.size() > 1) {
                throw new ProblemException(ProblemType.AMBIGUOUS_LOOKUP, found.size() + (found.size() == 5 ? "+" : "")
                        + " customers have " + key.describe() + "; list them with a filter to choose")
                        .with("candidates", found.stream().map(c -> c.id.toString()).toList());
            }
            return found.get(0);
        });
    }

    /** Counts (and sums) of active customers per group; see {@link GroupQuery}. */
    @WithSession
    public Uni<List<Object[]>> groups(Caller caller, GroupQuery grouping, SqlFragment filter, int limit) {
        return customers.groups(caller.tenantId(), grouping.sql("customer", "deleted_at IS NULL", filter, limit));
    }

    /** A customer's change history, newest first; 404 when the id never named a customer of this tenant. */
    @WithSession
    public Uni<List<HistoryEntry>> history(Caller caller, UUID id, SqlFragment where, String orderBy, int limit,
            boolean firstPage) {
        return history.entries(caller.tenantId(), ENTITY, id, where, orderBy, limit).invoke(entries -> {
            if (firstPage && entries.isEmpty()) {
                throw ProblemException.notFound("customer", id);
            }
        });
    }

    /** The customer's state as of {@code instant}: 404 when it did not exist yet or was deleted by then. */
    @WithSession
    public Uni<HistoryEntry> asOf(Caller caller, UUID id, Instant instant) {
        return history.asOf(caller.tenantId(), ENTITY, id, instant).invoke(entry -> {
            if (entry == null || entry.operation().equals("delete")) {
                throw new ProblemException(ProblemType.NOT_FOUND, "customer " + id + " did not exist at " + instant);
            }
        });
    }

    private Uni<Void> checkReferences(Caller caller, CustomerDraft draft, UUID self) {
        Uni<Void> external = draft.externalId() == null ? Uni.createFrom().voidItem()
                : customers.externalIdTaken(caller.tenantId(), draft.externalId(), self).invoke(taken -> {
                    if (taken) {
                        throw new ProblemException(ProblemType.CONFLICT,
                                "externalId '" + draft.externalId() + "' is already used by another customer")
                                .with("field", "externalId");
                    }
                }).replaceWithVoid();
        if (draft.companyId() == null) {
            return external;
        }
        return external.chain(() -> customers.findActive(caller.tenantId(), draft.companyId())).invoke(company -> {
            if (company == null || company.kind() != CustomerKind.COMPANY || company.id.equals(self)) {
                throw new ProblemException(ProblemType.VALIDATION_FAILED,
                        "/companyId: no company with this id exists",
                        List.of(new FieldError("/companyId", "no company with this id exists")));
            }
        }).replaceWithVoid();
    }

    private static DomainEvent event(Customer c, String type, Object data) {
        return new DomainEvent(TOPIC, "customers", c.id.toString(), type, data);
    }
}
