package io.clientele.customer.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.errors.FieldError;
import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;
import io.clientele.platform.history.Diff;
import io.clientele.platform.http.ETags.Precondition;
import io.clientele.platform.outbox.DomainEvent;
import io.clientele.platform.outbox.Outbox;
import io.clientele.platform.persistence.TenantRecord;
import io.clientele.platform.query.SqlFragment;
import io.clientele.platform.security.Caller;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/** Tag use cases: definitions, and assigning them to customers in bulk; emits tag.* events. */
@ApplicationScoped
public class TagService {

    public static final String TOPIC = "clientele.tags";
    public static final int MAX_ASSIGNMENT = 1000;

    /** A tag's writable state. */
    public record TagDraft(String name, String color) {
    }

    /** Outcome of a bulk (un)assignment: customers whose state changed, and those already as asked. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record AssignmentResult(UUID tagId, int changed, int unchanged) {
    }

    private final TagRepository tags;
    private final CustomerService customers;
    private final Outbox outbox;

    TagService(TagRepository tags, CustomerService customers, Outbox outbox) {
        this.tags = tags;
        this.customers = customers;
        this.outbox = outbox;
    }

    @WithTransaction
    public Uni<Tag> create(Caller caller, String requestId, TagDraft draft) {
        return uniqueName(caller, draft.name(), null).chain(() -> {
            Tag tag = new Tag();
            tag.initialise(caller.tenantId());
            tag.name = draft.name();
            tag.color = draft.color();
            return tags.persist(tag).call(saved -> outbox.record(caller, requestId,
                    event(saved.id, "tag.created", Map.of("tag", saved.view()))));
        });
    }

    @WithTransaction
    public Uni<Tag> update(Caller caller, String requestId, UUID id, Precondition precondition,
            UnaryOperator<TagDraft> change) {
        return get(caller, id).chain(tag -> {
            precondition.check(tag.version);
            TagDraft draft = change.apply(new TagDraft(tag.name, tag.color));
            return uniqueName(caller, draft.name(), tag.id).chain(() -> {
                Map<String, Object> before = tag.view();
                tag.name = draft.name();
                tag.color = draft.color();
                List<String> changed = Diff.changedFields(before, tag.view(), Set.of());
                if (changed.isEmpty()) {
                    return Uni.createFrom().item(tag);
                }
                tag.touch();
                return tags.flush().replaceWith(tag).call(saved -> outbox.record(caller, requestId,
                        event(saved.id, "tag.updated", Map.of("tag", saved.view(), "changedFields", changed))));
            });
        });
    }

    @WithTransaction
    public Uni<Void> delete(Caller caller, String requestId, UUID id, Precondition precondition) {
        return get(caller, id).chain(tag -> {
            precondition.check(tag.version);
            // Assignments go with the tag (ON DELETE CASCADE).
            return tags.delete(tag).chain(() -> outbox.record(caller, requestId, event(tag.id, "tag.deleted",
                    Map.of("id", tag.id.toString(), "deletedAt", TenantRecord.now().toString()))));
        });
    }

    @WithSession
    public Uni<Tag> get(Caller caller, UUID id) {
        return tags.find(caller.tenantId(), id).onItem().ifNull().failWith(() -> ProblemException.notFound("tag", id));
    }

    @WithSession
    public Uni<List<Tag>> list(Caller caller, SqlFragment where, String orderBy, int limit) {
        return tags.list(caller.tenantId(), where, orderBy, limit);
    }

    /** Assigns the tag to every listed customer, or to none when any id is unknown (422 naming them). */
    @WithTransaction
    public Uni<AssignmentResult> assign(Caller caller, String requestId, UUID id, List<UUID> customerIds) {
        return get(caller, id).chain(tag -> customers.existing(caller, customerIds).chain(found -> {
            List<FieldError> unknown = new ArrayList<>();
            for (int i = 0; i < customerIds.size(); i++) {
                if (!found.contains(customerIds.get(i))) {
                    unknown.add(new FieldError("/customerIds/" + i, "no customer with this id exists"));
                }
            }
            if (!unknown.isEmpty()) {
                throw new ProblemException(ProblemType.VALIDATION_FAILED,
                        unknown.size() + " customer id(s) do not exist; nothing was assigned", unknown);
            }
            return tags.assign(caller.tenantId(), tag.id, customerIds)
                    .call(changed -> announce(caller, requestId, tag, "tag.assigned", changed))
                    .map(changed -> new AssignmentResult(tag.id, changed.size(), customerIds.size() - changed.size()));
        }));
    }

    /**
     * Removes the tag from the listed customers; ids without the tag, and customers the caller may not see,
     * count as unchanged.
     */
    @WithTransaction
    public Uni<AssignmentResult> unassign(Caller caller, String requestId, UUID id, List<UUID> customerIds) {
        return get(caller, id).chain(tag -> customers.existing(caller, customerIds)
                .chain(visible -> visible.isEmpty() ? Uni.createFrom().item(List.<UUID>of())
                        : tags.unassign(caller.tenantId(), tag.id, visible))
                .call(changed -> announce(caller, requestId, tag, "tag.unassigned", changed))
                .map(changed -> new AssignmentResult(tag.id, changed.size(), customerIds.size() - changed.size())));
    }

    private Uni<Void> announce(Caller caller, String requestId, Tag tag, String type, List<UUID> changed) {
        if (changed.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("tagId", tag.id.toString());
        data.put("name", tag.name);
        data.put("customerIds", changed.stream().map(UUID::toString).toList());
        return outbox.record(caller, requestId, event(tag.id, type, data));
    }

    private Uni<Void> uniqueName(Caller caller, String name, UUID self) {
        return tags.nameTaken(caller.tenantId(), name, self).invoke(taken -> {
            if (taken) {
                throw new ProblemException(ProblemType.CONFLICT, "a tag named '" + name + "' already exists")
                        .with("field", "name");
            }
        }).replaceWithVoid();
    }

    private static DomainEvent event(UUID id, String type, Object data) {
        return new DomainEvent(TOPIC, "tags", id.toString(), type, data);
    }
}
