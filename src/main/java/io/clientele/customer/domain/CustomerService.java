package io.clientele.customer.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.customer.domain.matching.DuplicatePolicy;
import io.clientele.customer.domain.matching.Duplicates;
import io.clientele.customer.domain.matching.MatchCandidate;
import io.clientele.customer.domain.matching.MatchProfile;
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
import io.clientele.platform.security.RecordScope;
import io.clientele.platform.security.Visibility;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/** Customer use cases; owns the transactions, and emits customer.* events through the outbox. */
@ApplicationScoped
public class CustomerService {

    public static final String TOPIC = "clientele.customers";

    public static final String ENTITY = "customer";

    /** The resource name record visibility is configured under ({@code clientele.security.visibility.customers.*}). */
    public static final String RESOURCE = "customers";

    /** The column record visibility restricts (see {@link io.clientele.platform.security.Visibility}). */
    public static final String OWNER_COLUMN = "owner_id";

    private final CustomerRepository customers;
    private final Outbox outbox;
    private final History history;
    private final Function<Customer, Object> eventView;
    private final Duplicates duplicates;
    private final ObjectMapper json;
    private final Visibility visibility;
    private final SensitiveData sensitive;

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    CustomerService(CustomerRepository customers, Outbox outbox, History history, CustomerEvents events,
            Duplicates duplicates, ObjectMapper json, Visibility visibility, SensitiveData sensitive) {
        this.json = json;
        this.visibility = visibility;
        this.sensitive = sensitive;
        this.customers = customers;
        this.duplicates = duplicates;
        this.outbox = outbox;
        this.history = history;
        this.eventView = events::view;
    }

    /**
     * Creates a customer; with {@code policy} reject or merge (null: the tenant's default), likely
     * duplicates first refuse the create (409 listing them) or absorb it into the best of them.
     */
    @WithTransaction
    public Uni<Written> create(Caller caller, String requestId, CustomerDraft draft, DuplicatePolicy policy) {
        if (policy == DuplicatePolicy.ALLOW) {
            // Nothing to check: no need for the tenant's settings either.
            return checkReferences(caller, draft, null)
                    .chain(() -> insert(caller, requestId, draft)).map(c -> new Written(c, true));
        }
        return checkReferences(caller, draft, null)
                .chain(() -> duplicates.settings(caller.tenantId()))
                .chain(settings -> {
                    DuplicatePolicy effective = policy != null ? policy : settings.createPolicy();
                    if (effective == DuplicatePolicy.ALLOW) {
                        return insert(caller, requestId, draft).map(c -> new Written(c, true));
                    }
                    MatchProfile probe = MatchProfile.of(draft);
                    return customers.lockKeys(exactKeys(caller.tenantId(), probe))
                            .chain(() -> visibility.scope(caller, RESOURCE))
                            .chain(scope -> duplicates.candidates(caller.tenantId(), probe, null,
                                    settings.likelyThreshold, 5).map(found -> new Found(found, scope)))
                            .chain(found -> {
                                if (found.all().isEmpty()) {
                                    return insert(caller, requestId, draft).map(c -> new Written(c, true));
                                }
                                // Never merge into, nor describe, a customer the caller may not see.
                                if (effective == DuplicatePolicy.REJECT || found.visible().isEmpty()) {
                                    throw duplicateProblem("a customer like this one already exists", found);
                                }
                                return absorb(caller, requestId, found.visible().get(0).customer(), draft)
                                        .map(c -> new Written(c, false));
                            });
                });
    }

    private Uni<Customer> insert(Caller caller, String requestId, CustomerDraft draft) {
        Customer c = new Customer();
        c.initialise(caller.tenantId());
        c.apply(draft);
        sensitive.assign(c, draft.sensitive());
        c.createdBy = caller.subject();
        c.updatedBy = caller.subject();
        return customers.persist(c).call(saved -> {
            Object view = eventView.apply(saved);
            return history.record(caller, requestId, ChangeSource.API, ENTITY, saved.id, saved.version, "create",
                    null, view)
                    .chain(() -> outbox.record(caller, requestId, event(saved, "customer.created",
                            Map.of("customer", view))));
        });
    }

    /** Fills the empty fields of {@code existing} from {@code draft} and unions the contact points. */
    private Uni<Customer> absorb(Caller caller, String requestId, Customer existing, CustomerDraft draft) {
        Customer incoming = new Customer();
        incoming.initialise(caller.tenantId());
        incoming.apply(draft);
        CustomerDraft merged = Survivorship.merge(existing, List.of(incoming), Survivorship.Rule.NON_EMPTY, Map.of());
        // Sensitive fields fill in like any other empty field: only when the existing customer has none.
        if (!SensitiveData.present(existing) && draft.sensitive() != null) {
            merged = withSensitive(merged, draft.sensitive());
        }
        return write(caller, requestId, existing, merged, ChangeSource.API);
    }

    /** A customer's written state, and whether the write created it (false: merged into an existing one). */
    public record Written(Customer customer, boolean created) {
    }

    /**
     * Applies {@code change} to the current state; with {@code policy} reject (null: the tenant's
     * default) a result that likely duplicates another customer is refused with 409.
     */
    @WithTransaction
    public Uni<Customer> update(Caller caller, String requestId, UUID id, Precondition precondition,
            DuplicatePolicy policy, Function<Customer, CustomerDraft> change) {
        return get(caller, id).chain(c -> {
            precondition.check(c.version);
            CustomerDraft draft = change.apply(c);
            return checkReferences(caller, draft, c.id)
                    .chain(() -> policy == DuplicatePolicy.ALLOW ? Uni.createFrom().voidItem()
                            : rejectDuplicates(caller, c, draft, policy))
                    .chain(() -> write(caller, requestId, c, draft, ChangeSource.API));
        });
    }

    private Uni<Void> rejectDuplicates(Caller caller, Customer current, CustomerDraft draft, DuplicatePolicy policy) {
        MatchProfile after = MatchProfile.of(draft);
        if (MatchProfile.of(current.toDraft()).equals(after)) {
            return Uni.createFrom().voidItem();
        }
        return duplicates.settings(caller.tenantId()).chain(settings -> {
            DuplicatePolicy effective = policy != null ? policy : settings.updatePolicy();
            if (effective != DuplicatePolicy.REJECT) {
                return Uni.createFrom().voidItem();
            }
            return customers.lockKeys(exactKeys(caller.tenantId(), after))
                    .chain(() -> visibility.scope(caller, RESOURCE))
                    .chain(scope -> duplicates.candidates(caller.tenantId(), after, current.id,
                            settings.likelyThreshold, 5).map(found -> new Found(found, scope)))
                    .invoke(found -> {
                        if (!found.all().isEmpty()) {
                            throw duplicateProblem("after this change the customer would duplicate another one",
                                    found);
                        }
                    }).replaceWithVoid();
        });
    }

    /** Applies a draft to a loaded customer and records history and event when anything changed. */
    private Uni<Customer> write(Caller caller, String requestId, Customer c, CustomerDraft draft, ChangeSource source) {
        Object before = eventView.apply(c);
        List<String> changed = c.apply(draft);
        if (sensitive.assign(c, draft.sensitive())) {
            changed.add("sensitive");
        }
        if (changed.isEmpty()) {
            return Uni.createFrom().item(c);
        }
        c.touch();
        c.updatedBy = caller.subject();
        // Flush so the response and the event carry the incremented version.
        return customers.flush().replaceWith(c).call(saved -> {
            Object after = eventView.apply(saved);
            return history.record(caller, requestId, source, ENTITY, saved.id, saved.version, "update", before,
                    after)
                    .chain(() -> outbox.record(caller, requestId, event(saved, "customer.updated",
                            Map.of("customer", after, "changedFields", changed))));
        });
    }

    /**
     * Merges {@code mergeIds} into the survivor {@code id}: fields by the survivorship rule, tags
     * and company members move to the survivor, the others are retired with a pointer to it.
     */
    @WithTransaction
    public Uni<Customer> merge(Caller caller, String requestId, UUID id, Precondition precondition,
            List<UUID> mergeIds, Survivorship.Rule rule, Map<String, UUID> choices) {
        List<UUID> all = new ArrayList<>(mergeIds);
        all.add(id);
        return visibility.scope(caller, RESOURCE).chain(scope -> customers.lockAll(caller.tenantId(), all)
                .chain(locked -> {
            Map<UUID, Customer> byId = new HashMap<>();
            // Customers outside the caller's visibility are treated as absent: 404 or 422, never 403.
            locked.stream().filter(c -> scope.permits(c.ownerId)).forEach(c -> byId.put(c.id, c));
            Customer survivor = byId.get(id);
            if (survivor == null || survivor.deletedAt != null) {
                return customers.mergedTarget(caller.tenantId(), id).invoke(target -> {
                    throw target == null ? ProblemException.notFound("customer", id) : moved(id, target);
                }).replaceWith((Customer) null);
            }
            precondition.check(survivor.version);
            List<Customer> others = new ArrayList<>();
            for (int i = 0; i < mergeIds.size(); i++) {
                Customer other = byId.get(mergeIds.get(i));
                String pointer = "/mergeIds/" + i;
                if (other == null) {
                    throw new ProblemException(ProblemType.VALIDATION_FAILED, pointer + ": no such customer",
                            List.of(new FieldError(pointer, "no customer with this id exists")));
                }
                if (other.deletedAt != null) {
                    throw new ProblemException(ProblemType.CONFLICT, "customer " + other.id + " was "
                            + (other.mergedInto != null ? "already merged into " + other.mergedInto : "deleted"))
                            .with("field", pointer);
                }
                if (!other.kind.equals(survivor.kind)) {
                    throw new ProblemException(ProblemType.CONFLICT, "customer " + other.id + " is a " + other.kind
                            + " and cannot be merged into a " + survivor.kind).with("field", pointer);
                }
                others.add(other);
            }
            CustomerDraft merged = Survivorship.merge(survivor, others, rule, choices);
            if (merged.companyId() != null && mergeIds.contains(merged.companyId())) {
                merged = withCompany(merged, null);
            }
            Object before = eventView.apply(survivor);
            Instant now = TenantRecord.now();
            for (Customer other : others) {
                other.mergedInto = survivor.id;
                other.deletedAt = now;
                other.updatedAt = now;
                other.updatedBy = caller.subject();
            }
            // Retire the others first: the survivor may take over an external id they hold, which the
            // unique index allows only once they are no longer active.
            CustomerDraft result = merged;
            return customers.flush().chain(() -> {
                List<String> changed = survivor.apply(result);
                // Touching makes the survivor dirty even when no field changed, so its version moves on.
                survivor.touch();
                survivor.updatedBy = caller.subject();
                return customers.flush()
                        .chain(() -> customers.moveTags(caller.tenantId(), mergeIds, survivor.id))
                        .chain(() -> customers.members(caller.tenantId(), mergeIds))
                        .chain(members -> moveMembers(caller, requestId, members, survivor.id))
                        .chain(() -> recordRetired(caller, requestId, others, survivor.id))
                        .chain(() -> {
                            Object after = eventView.apply(survivor);
                            List<String> ids = mergeIds.stream().map(UUID::toString).toList();
                            return history.record(caller, requestId, ChangeSource.MERGE, ENTITY, survivor.id,
                                    survivor.version, "merge", before, after)
                                    .chain(() -> outbox.record(caller, requestId, event(survivor, "customer.merged",
                                            Map.of("customer", after, "mergedIds", ids, "changedFields", changed))));
                        })
                        .replaceWith(survivor);
            });
        }));
    }

    private Uni<Void> recordRetired(Caller caller, String requestId, List<Customer> others, UUID survivor) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Customer other : others) {
            chain = chain.chain(() -> {
                Object view = eventView.apply(other);
                Map<String, Object> retired = json.convertValue(view, MAP);
                retired.put("mergedInto", survivor.toString());
                return history.record(caller, requestId, ChangeSource.MERGE, ENTITY, other.id, other.version,
                        "merge", view, retired);
            });
        }
        return chain;
    }

    /** Company members of merged-away companies now belong to the survivor; each change is recorded. */
    private Uni<Void> moveMembers(Caller caller, String requestId, List<Customer> members, UUID survivor) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Customer member : members) {
            chain = chain.chain(() -> write(caller, requestId, member, withCompany(member.toDraft(), survivor),
                    ChangeSource.MERGE).replaceWithVoid());
        }
        return chain;
    }

    private static CustomerDraft withCompany(CustomerDraft d, UUID companyId) {
        return new CustomerDraft(d.kind(), d.firstName(), d.lastName(), d.name(), companyId, d.emails(), d.phones(),
                d.addresses(), d.attributes(), d.ownerId(), d.lifecycleStage(), d.externalId(), d.sensitive());
    }

    private static CustomerDraft withSensitive(CustomerDraft d, Sensitive value) {
        return new CustomerDraft(d.kind(), d.firstName(), d.lastName(), d.name(), d.companyId(), d.emails(), d.phones(),
                d.addresses(), d.attributes(), d.ownerId(), d.lifecycleStage(), d.externalId(), value);
    }

    static List<String> exactKeys(String tenantId, MatchProfile p) {
        List<String> keys = new ArrayList<>();
        p.emails().forEach(e -> keys.add(tenantId + "|email|" + e));
        p.phones().forEach(n -> keys.add(tenantId + "|phone|" + n));
        if (p.externalId() != null) {
            keys.add(tenantId + "|externalId|" + p.externalId());
        }
        Collections.sort(keys);
        return keys;
    }

    /** Likely duplicates, and those of them the caller may see. */
    private record Found(List<MatchCandidate> all, List<MatchCandidate> visible) {
        Found(List<MatchCandidate> all, RecordScope scope) {
            this(all, all.stream().filter(m -> scope.permits(m.customer().ownerId)).toList());
        }
    }

    /** The 409 listing the candidates the caller may see; the others are only counted. */
    private static ProblemException duplicateProblem(String detail, Found found) {
        List<Map<String, Object>> candidates = found.visible().stream().map(m -> Map.<String, Object>of(
                "id", m.customer().id.toString(),
                "displayName", m.customer().displayName,
                "score", m.match().score(),
                "reasons", m.match().reasons())).toList();
        ProblemException problem = new ProblemException(ProblemType.DUPLICATE_CUSTOMER, detail)
                .with("candidates", candidates);
        int hidden = found.all().size() - found.visible().size();
        return hidden == 0 ? problem : problem.with("hiddenCandidates", hidden);
    }

    static ProblemException moved(UUID id, UUID target) {
        return new ProblemException(ProblemType.CUSTOMER_MERGED, "customer " + id + " was merged into " + target)
                .with("mergedInto", target.toString())
                .header("Location", "/v1/customers/" + target);
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

    /** An active customer; a merged-away id answers 308 pointing at its survivor, any other 404. */
    @WithSession
    public Uni<Customer> get(Caller caller, UUID id) {
        return visibility.scope(caller, RESOURCE).chain(scope -> customers.findActive(caller.tenantId(), id)
                .chain(found -> {
                    if (found != null) {
                        if (!scope.permits(found.ownerId)) {
                            throw RecordScope.hidden("customer", id);
                        }
                        return Uni.createFrom().item(found);
                    }
                    return customers.mergedTarget(caller.tenantId(), id).map(target -> {
                        throw target == null ? ProblemException.notFound("customer", id) : moved(id, target);
                    });
                }));
    }

    @WithSession
    public Uni<List<Customer>> list(Caller caller, CustomerQuery query) {
        return visibility.scope(caller, RESOURCE).chain(scope -> customers.list(caller.tenantId(),
                new CustomerQuery(query.where().and(scope.on(OWNER_COLUMN)), query.orderBy(), query.limit())));
    }

    /** How many customers the caller may see match {@code where}. */
    @WithSession
    public Uni<Long> count(Caller caller, SqlFragment where) {
        return visibility.scope(caller, RESOURCE)
                .chain(scope -> customers.count(caller.tenantId(), where.and(scope.on(OWNER_COLUMN))));
    }

    /** Which of {@code ids} name active customers the caller may see. */
    @WithSession
    public Uni<List<UUID>> existing(Caller caller, List<UUID> ids) {
        return visibility.scope(caller, RESOURCE)
                .chain(scope -> customers.existing(caller.tenantId(), ids, scope.on(OWNER_COLUMN)));
    }

    /** The one customer holding a natural key; 404 when none, 409 listing them when several. */
    @WithSession
    public Uni<Customer> lookup(Caller caller, NaturalKey key) {
        return visibility.scope(caller, RESOURCE).chain(scope -> customers.findByNaturalKey(caller.tenantId(), key,
                5).map(all -> all.stream().filter(c -> scope.permits(c.ownerId)).toList())).map(found -> {
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
        return visibility.scope(caller, RESOURCE).chain(scope -> customers.groups(caller.tenantId(),
                grouping.sql("customer", "deleted_at IS NULL", filter.and(scope.on("customer." + OWNER_COLUMN)),
                        limit)));
    }

    /** A customer's change history, newest first; 404 when the id never named a customer of this tenant. */
    @WithSession
    public Uni<List<HistoryEntry>> history(Caller caller, UUID id, SqlFragment where, String orderBy, int limit,
            boolean firstPage) {
        return requireVisible(caller, id).chain(() -> history.entries(caller.tenantId(), ENTITY, id, where, orderBy,
                limit)).invoke(entries -> {
            if (firstPage && entries.isEmpty()) {
                throw ProblemException.notFound("customer", id);
            }
        });
    }

    /** The customer's state as of {@code instant}: 404 when it did not exist yet or was deleted by then. */
    @WithSession
    public Uni<HistoryEntry> asOf(Caller caller, UUID id, Instant instant) {
        return requireVisible(caller, id).chain(() -> history.asOf(caller.tenantId(), ENTITY, id, instant))
                .invoke(entry -> {
            if (entry != null && entry.snapshot().hasNonNull("mergedInto")) {
                throw moved(id, UUID.fromString(entry.snapshot().get("mergedInto").asText()));
            }
            if (entry == null || entry.operation().equals("delete")) {
                throw new ProblemException(ProblemType.NOT_FOUND, "customer " + id + " did not exist at " + instant);
            }
        });
    }

    /**
     * 404 unless the caller may see the customer: its current owner decides, or for a deleted or merged-away
     * customer the owner it last had. Nothing to read for callers who see every customer.
     */
    private Uni<Void> requireVisible(Caller caller, UUID id) {
        return visibility.scope(caller, RESOURCE).chain(scope -> {
            if (scope.all()) {
                return Uni.createFrom().voidItem();
            }
            return history.asOf(caller.tenantId(), ENTITY, id, TenantRecord.now()).invoke(last -> {
                String owner = last == null || !last.snapshot().hasNonNull("ownerId") ? null
                        : last.snapshot().get("ownerId").asText();
                if (!scope.permits(owner)) {
                    throw RecordScope.hidden("customer", id);
                }
            }).replaceWithVoid();
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
