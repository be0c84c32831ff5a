package io.clientele.sales.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.customer.domain.CustomerService;
import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;
import io.clientele.platform.errors.ValidationErrors;
import io.clientele.platform.history.ChangeSource;
import io.clientele.platform.history.History;
import io.clientele.platform.history.HistoryEntry;
import io.clientele.platform.http.ETags.Precondition;
import io.clientele.platform.outbox.DomainEvent;
import io.clientele.platform.outbox.Outbox;
import io.clientele.platform.persistence.TenantRecord;
import io.clientele.platform.query.SqlFragment;
import io.clientele.platform.security.Caller;
import io.clientele.platform.security.RecordScope;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/** Opportunity use cases; owns the transactions and emits opportunity.* events through the outbox. */
@ApplicationScoped
public class OpportunityService {

    public static final String TOPIC = "clientele.sales";
    public static final String ENTITY = "opportunity";

    private final OpportunityRepository opportunities;
    private final PipelineRepository pipelines;
    private final CustomerService customers;
    private final SalesScopes scopes;
    private final History history;
    private final Outbox outbox;

    OpportunityService(OpportunityRepository opportunities, PipelineRepository pipelines, CustomerService customers,
            SalesScopes scopes, History history, Outbox outbox) {
        this.opportunities = opportunities;
        this.pipelines = pipelines;
        this.customers = customers;
        this.scopes = scopes;
        this.history = history;
        this.outbox = outbox;
    }

    /** An opportunity with the pipeline it is in (for the stage name and probability of its view). */
    public record Loaded(Opportunity opportunity, Pipeline pipeline) {

        public Stage stage() {
            return pipeline.stage(opportunity.stageId).orElse(null);
        }

        public Map<String, Object> view() {
            return OpportunityView.of(opportunity, stage());
        }
    }

    @WithTransaction
    public Uni<Loaded> create(Caller caller, String requestId, OpportunityDraft draft) {
        return resolve(caller, draft, null).chain(pipeline -> {
            Opportunity o = new Opportunity();
            o.initialise(caller.tenantId());
            o.apply(draft);
            o.pipelineId = pipeline.id;
            o.stageId = draft.stageId() != null ? draft.stageId() : pipeline.stages().get(0).id();
            Stage stage = pipeline.stage(o.stageId).orElseThrow();
            o.status = stage.status();
            o.closedAt = stage.closed() ? o.createdAt : null;
            o.stageEnteredAt = o.createdAt;
            o.createdBy = caller.subject();
            o.updatedBy = caller.subject();
            // Flushed first: the stage period row references the opportunity row.
            return opportunities.persist(o).call(opportunities::flush)
                    .call(saved -> opportunities.enterStage(saved, null, caller.subject(), saved.createdAt))
                    .map(saved -> new Loaded(saved, pipeline))
                    .call(loaded -> {
                        Map<String, Object> view = loaded.view();
                        return history.record(caller, requestId, ChangeSource.API, ENTITY, o.id, o.version,
                                "create", null, view)
                                .chain(() -> outbox.record(caller, requestId, event(o, "opportunity.created",
                                        Map.of("opportunity", view))));
                    });
        });
    }

    /** The opportunity if it exists and the caller may see it; 404 otherwise (no leak of its existence). */
    @WithSession
    public Uni<Loaded> get(Caller caller, UUID id) {
        return scopes.scope(caller, SalesScopes.OPPORTUNITIES).chain(scope -> opportunities
                .findActive(caller.tenantId(), id)
                .chain(o -> {
                    if (o == null) {
                        throw ProblemException.notFound("opportunity", id);
                    }
                    if (!scope.permits(o.ownerId)) {
                        throw RecordScope.hidden("opportunity", id);
                    }
                    return pipelines.findById(o.pipelineId).map(p -> new Loaded(o, p));
                }));
    }

    /**
     * Applies {@code change} to the current state. A new stage (or pipeline) closes the current stage
     * period, opens the next and emits opportunity.stage_changed besides opportunity.updated.
     */
    @WithTransaction
    public Uni<Loaded> update(Caller caller, String requestId, UUID id, Precondition precondition,
            Function<OpportunityDraft, OpportunityDraft> change) {
        return get(caller, id).chain(current -> {
            Opportunity o = current.opportunity();
            precondition.check(o.version);
            OpportunityDraft draft = change.apply(o.toDraft());
            return resolve(caller, draft, o).chain(pipeline -> write(caller, requestId, current, pipeline, draft));
        });
    }

    private Uni<Loaded> write(Caller caller, String requestId, Loaded current, Pipeline pipeline,
            OpportunityDraft draft) {
        Opportunity o = current.opportunity();
        Map<String, Object> before = current.view();
        Stage fromStage = current.stage();
        UUID fromPipeline = o.pipelineId;
        List<String> changed = new ArrayList<>(o.apply(draft));
        UUID targetStage = draft.stageId() != null ? draft.stageId() : o.stageId;
        boolean moved = !targetStage.equals(o.stageId) || !pipeline.id.equals(o.pipelineId);
        Instant now = TenantRecord.now();
        if (moved) {
            if (!pipeline.id.equals(o.pipelineId)) {
                changed.add("pipelineId");
            }
            changed.add("stageId");
            o.pipelineId = pipeline.id;
            o.stageId = targetStage;
            enter(o, pipeline.stage(targetStage).orElseThrow(), now);
        }
        if (changed.isEmpty()) {
            return Uni.createFrom().item(current);
        }
        o.touch();
        o.updatedBy = caller.subject();
        Loaded next = new Loaded(o, pipeline);
        return opportunities.flush()
                .call(() -> moved ? opportunities.enterStage(o, fromStage == null ? null : fromStage.id(),
                        caller.subject(), now) : Uni.createFrom().voidItem())
                .call(() -> {
                    Map<String, Object> after = next.view();
                    Uni<Void> recorded = history.record(caller, requestId, ChangeSource.API, ENTITY, o.id, o.version,
                            "update", before, after)
                            .chain(() -> outbox.record(caller, requestId, event(o, "opportunity.updated",
                                    Map.of("opportunity", after, "changedFields", changed))));
                    return moved ? recorded.chain(() -> outbox.record(caller, requestId,
                            stageChanged(o, fromPipeline, fromStage, pipeline, now))) : recorded;
                })
                .replaceWith(next);
    }

    private static void enter(Opportunity o, Stage stage, Instant now) {
        o.stageEnteredAt = now;
        String previous = o.status;
        o.status = stage.status();
        if (stage.closed() && !stage.status().equals(previous)) {
            o.closedAt = now;
        } else if (!stage.closed()) {
            o.closedAt = null;
        }
    }

    private DomainEvent stageChanged(Opportunity o, UUID fromPipeline, Stage from, Pipeline pipeline, Instant at) {
        Stage to = pipeline.stage(o.stageId).orElseThrow();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("opportunityId", o.id.toString());
        data.put("pipelineId", o.pipelineId.toString());
        data.put("fromPipelineId", fromPipeline.toString());
        data.put("fromStageId", from == null ? null : from.id().toString());
        data.put("fromStageName", from == null ? null : from.name());
        data.put("toStageId", to.id().toString());
        data.put("toStageName", to.name());
        data.put("status", o.status);
        data.put("ownerId", o.ownerId);
        data.put("amount", Money.format(o.amount, o.currency));
        data.put("currency", o.currency);
        data.put("probability", to.probability());
        data.put("changedAt", at.toString());
        return event(o, "opportunity.stage_changed", data);
    }

    /**
     * Moves every opportunity of a stage being deleted to {@code target} (same transaction as the
     * pipeline change), each with its stage period, history entry and events.
     */
    public Uni<Integer> moveAll(Caller caller, String requestId, Pipeline before, Pipeline after, UUID stageId,
            UUID target) {
        return opportunities.lockInStage(caller.tenantId(), after.id, stageId).chain(found -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Opportunity o : found) {
                Loaded current = new Loaded(o, before);
                OpportunityDraft draft = o.toDraft();
                OpportunityDraft moved = new OpportunityDraft(draft.customerId(), draft.contactId(), draft.title(),
                        draft.amount(), draft.currency(), after.id, target, draft.ownerId(),
                        draft.expectedCloseDate(), draft.source(), draft.tags(), draft.attributes(),
                        draft.closeReason());
                chain = chain.chain(() -> write(caller, requestId, current, after, moved).replaceWithVoid());
            }
            return chain.replaceWith(found.size());
        });
    }

    @WithTransaction
    public Uni<Void> delete(Caller caller, String requestId, UUID id, Precondition precondition) {
        return get(caller, id).chain(current -> {
            Opportunity o = current.opportunity();
            precondition.check(o.version);
            Map<String, Object> before = current.view();
            Instant now = TenantRecord.now();
            o.deletedAt = now;
            o.touch();
            o.updatedBy = caller.subject();
            return opportunities.flush()
                    .chain(() -> opportunities.exitStage(o.id, now))
                    .chain(() -> history.record(caller, requestId, ChangeSource.API, ENTITY, o.id, o.version,
                            "delete", before, before))
                    .chain(() -> outbox.record(caller, requestId, event(o, "opportunity.deleted",
                            Map.of("id", o.id.toString()))));
        });
    }

    @WithSession
    public Uni<List<Loaded>> list(Caller caller, SqlFragment where, String orderBy, int limit) {
        return scopes.scope(caller, SalesScopes.OPPORTUNITIES).chain(scope -> opportunities
                .list(caller.tenantId(), where.and(scope.on("owner_id")), orderBy, limit))
                .chain(found -> withPipelines(caller.tenantId(), found));
    }

    private Uni<List<Loaded>> withPipelines(String tenantId, List<Opportunity> found) {
        List<UUID> ids = found.stream().map(o -> o.pipelineId).distinct().toList();
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return pipelines.list("tenantId = ?1 and id in ?2", tenantId, ids).map(ps -> {
            Map<UUID, Pipeline> byId = new LinkedHashMap<>();
            ps.forEach(p -> byId.put(p.id, p));
            return found.stream().map(o -> new Loaded(o, byId.get(o.pipelineId))).toList();
        });
    }

    @WithSession
    public Uni<List<HistoryEntry>> history(Caller caller, UUID id, SqlFragment where, String orderBy, int limit) {
        return get(caller, id).chain(loaded -> history.entries(caller.tenantId(), ENTITY, id, where, orderBy, limit));
    }

    /** Stage periods of a visible opportunity: stage id, pipeline id, entered, exited, actor. */
    @WithSession
    public Uni<List<Object[]>> stagePeriods(Caller caller, UUID id) {
        return get(caller, id).chain(loaded -> opportunities.stagePeriods(caller.tenantId(), id));
    }

    /**
     * Checks the references of a draft: the customer (and contact) exist in the tenant, the pipeline
     * exists and the stage is one of its stages. Returns the target pipeline.
     */
    private Uni<Pipeline> resolve(Caller caller, OpportunityDraft draft, Opportunity current) {
        UUID pipelineId = draft.pipelineId() != null ? draft.pipelineId()
                : current != null ? current.pipelineId : null;
        List<UUID> people = new ArrayList<>();
        people.add(draft.customerId());
        if (draft.contactId() != null) {
            people.add(draft.contactId());
        }
        return customers.existing(caller, people).chain(found -> {
            ValidationErrors errors = new ValidationErrors();
            if (!found.contains(draft.customerId())) {
                errors.add("/customerId", "no such customer");
            }
            if (draft.contactId() != null && !found.contains(draft.contactId())) {
                errors.add("/contactId", "no such customer");
            }
            errors.throwIfAny();
            return pipelines.findActive(caller.tenantId(), pipelineId);
        }).map(pipeline -> {
            if (pipeline == null) {
                throw new ProblemException(ProblemType.VALIDATION_FAILED, "/pipelineId: no such pipeline",
                        List.of(new io.clientele.platform.errors.FieldError("/pipelineId", "no such pipeline")));
            }
            boolean pipelineChanged = current != null && !pipeline.id.equals(current.pipelineId);
            UUID stage = draft.stageId();
            if (pipelineChanged && (stage == null || stage.equals(current.stageId))) {
                throw new ProblemException(ProblemType.VALIDATION_FAILED,
                        "/stageId: moving to another pipeline needs a stage of that pipeline",
                        List.of(new io.clientele.platform.errors.FieldError("/stageId",
                                "moving to another pipeline needs a stage of that pipeline")));
            }
            if (stage != null && pipeline.stage(stage).isEmpty()) {
                throw new ProblemException(ProblemType.VALIDATION_FAILED,
                        "/stageId: not a stage of pipeline " + pipeline.id,
                        List.of(new io.clientele.platform.errors.FieldError("/stageId",
                                "not a stage of pipeline " + pipeline.id)));
            }
            return pipeline;
        });
    }

    static DomainEvent event(Opportunity o, String type, Object data) {
        return new DomainEvent(TOPIC, "opportunities", o.id.toString(), type, data);
    }
}
