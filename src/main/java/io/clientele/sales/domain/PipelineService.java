package io.clientele.sales.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;
import io.clientele.platform.errors.ValidationErrors;
import io.clientele.platform.history.ChangeSource;
import io.clientele.platform.history.History;
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
 * Pipelines and their stages. Renaming and reordering never touch opportunities (they reference
 * stage ids); deleting a stage that holds opportunities moves them to a named target stage first.
 */
@ApplicationScoped
public class PipelineService {

    public static final String ENTITY = "pipeline";

    private final PipelineRepository pipelines;
    private final OpportunityRepository opportunities;
    private final OpportunityService opportunityService;
    private final History history;
    private final Outbox outbox;

    PipelineService(PipelineRepository pipelines, OpportunityRepository opportunities,
            OpportunityService opportunityService, History history, Outbox outbox) {
        this.pipelines = pipelines;
        this.opportunities = opportunities;
        this.opportunityService = opportunityService;
        this.history = history;
        this.outbox = outbox;
    }

    @WithTransaction
    public Uni<Pipeline> create(Caller caller, String requestId, String name, List<Stage> stages) {
        validate(stages);
        return pipelines.nameTaken(caller.tenantId(), name, null).chain(taken -> {
            if (taken) {
                throw new ProblemException(ProblemType.CONFLICT, "a pipeline named '" + name + "' already exists");
            }
            Pipeline p = new Pipeline();
            p.initialise(caller.tenantId());
            p.name = name;
            p.stages(stages);
            return pipelines.persist(p).call(saved -> recorded(caller, requestId, null, saved, "create",
                    "pipeline.created"));
        });
    }

    @WithSession
    public Uni<Pipeline> get(Caller caller, UUID id) {
        return pipelines.findActive(caller.tenantId(), id).map(p -> {
            if (p == null) {
                throw ProblemException.notFound("pipeline", id);
            }
            return p;
        });
    }

    @WithSession
    public Uni<List<Pipeline>> list(Caller caller, SqlFragment where, String orderBy, int limit) {
        return pipelines.list(caller.tenantId(), where, orderBy, limit);
    }

    /** Renames the pipeline and/or replaces its stage list where every stage keeps its id (reorder, edit). */
    @WithTransaction
    public Uni<Pipeline> update(Caller caller, String requestId, UUID id, Precondition precondition, String name,
            List<Stage> stages) {
        return get(caller, id).chain(p -> {
            precondition.check(p.version);
            Map<String, Object> before = view(p);
            String newName = name != null ? name : p.name;
            List<Stage> newStages = stages != null ? stages : p.stages();
            validate(newStages);
            if (stages != null) {
                var oldIds = p.stages().stream().map(Stage::id).collect(java.util.stream.Collectors.toSet());
                var newIds = stages.stream().map(Stage::id).collect(java.util.stream.Collectors.toSet());
                if (!oldIds.equals(newIds)) {
                    throw new ProblemException(ProblemType.VALIDATION_FAILED,
                            "/stages: list every existing stage by id exactly once; add stages with POST"
                                    + " .../stages and delete them with DELETE .../stages/{stageId}",
                            List.of(new io.clientele.platform.errors.FieldError("/stages",
                                    "must list the pipeline's existing stage ids exactly once")));
                }
            }
            return pipelines.nameTaken(caller.tenantId(), newName, p.id).chain(taken -> {
                if (taken) {
                    throw new ProblemException(ProblemType.CONFLICT,
                            "a pipeline named '" + newName + "' already exists");
                }
                p.name = newName;
                p.stages(newStages);
                return save(caller, requestId, before, p);
            });
        });
    }

    /** Adds a stage at {@code position} (null: at the end). */
    @WithTransaction
    public Uni<Pipeline> addStage(Caller caller, String requestId, UUID id, Precondition precondition, Stage stage,
            Integer position) {
        return get(caller, id).chain(p -> {
            precondition.check(p.version);
            Map<String, Object> before = view(p);
            List<Stage> next = new ArrayList<>(p.stages());
            int at = position == null ? next.size() : Math.min(position, next.size());
            next.add(at, stage);
            validate(next);
            p.stages(next);
            return save(caller, requestId, before, p);
        });
    }

    /**
     * Deletes a stage. If opportunities are in it, {@code moveTo} (another stage of the pipeline) is
     * required and they move there first, each with its stage history and events.
     */
    @WithTransaction
    public Uni<Pipeline> deleteStage(Caller caller, String requestId, UUID id, Precondition precondition,
            UUID stageId, UUID moveTo) {
        return get(caller, id).chain(p -> {
            precondition.check(p.version);
            if (p.stage(stageId).isEmpty()) {
                throw ProblemException.notFound("stage", stageId);
            }
            if (moveTo != null && (moveTo.equals(stageId) || p.stage(moveTo).isEmpty())) {
                throw ProblemException.invalidParameter("moveTo must name another stage of this pipeline");
            }
            if (p.stages().size() == 1) {
                throw new ProblemException(ProblemType.CONFLICT, "a pipeline keeps at least one stage");
            }
            Map<String, Object> before = view(p);
            Pipeline old = snapshot(p);
            return opportunities.count("tenantId = ?1 and pipelineId = ?2 and stageId = ?3 and deletedAt is null",
                    caller.tenantId(), p.id, stageId).chain(held -> {
                        if (held > 0 && moveTo == null) {
                            throw new ProblemException(ProblemType.CONFLICT, "the stage holds " + held
                                    + " opportunities; name a target stage with moveTo to move them there")
                                    .with("opportunities", held);
                        }
                        List<Stage> next = new ArrayList<>(p.stages());
                        next.removeIf(s -> s.id().equals(stageId));
                        validate(next);
                        p.stages(next);
                        // Touched before the moves: their flushes write the pipeline once, one version.
                        p.touch();
                        return held == 0 ? flushed(caller, requestId, before, p)
                                : opportunityService.moveAll(caller, requestId, old, p, stageId, moveTo)
                                        .chain(moved -> flushed(caller, requestId, before, p));
                    });
        });
    }

    /** Deletes a pipeline that no (active) opportunity is in. */
    @WithTransaction
    public Uni<Void> delete(Caller caller, String requestId, UUID id, Precondition precondition) {
        return get(caller, id).chain(p -> {
            precondition.check(p.version);
            return opportunities.countInPipeline(caller.tenantId(), p.id).chain(n -> {
                if (n > 0) {
                    throw new ProblemException(ProblemType.CONFLICT,
                            "the pipeline holds " + n + " opportunities; move or delete them first");
                }
                Map<String, Object> before = view(p);
                p.deletedAt = TenantRecord.now();
                p.touch();
                return pipelines.flush().chain(() -> history.record(caller, requestId, ChangeSource.API, ENTITY,
                        p.id, p.version, "delete", before, before))
                        .chain(() -> outbox.record(caller, requestId, new DomainEvent(OpportunityService.TOPIC,
                                "pipelines", p.id.toString(), "pipeline.deleted", Map.of("id", p.id.toString()))));
            });
        });
    }

    private Uni<Pipeline> save(Caller caller, String requestId, Map<String, Object> before, Pipeline p) {
        p.touch();
        return flushed(caller, requestId, before, p);
    }

    private Uni<Pipeline> flushed(Caller caller, String requestId, Map<String, Object> before, Pipeline p) {
        return pipelines.flush().replaceWith(p)
                .call(saved -> recordedUpdate(caller, requestId, before, saved));
    }

    private Uni<Void> recordedUpdate(Caller caller, String requestId, Map<String, Object> before, Pipeline p) {
        return recorded(caller, requestId, before, p, "update", "pipeline.updated");
    }

    private Uni<Void> recorded(Caller caller, String requestId, Map<String, Object> before, Pipeline p,
            String operation, String type) {
        Map<String, Object> after = view(p);
        return history.record(caller, requestId, ChangeSource.API, ENTITY, p.id, p.version, operation, before, after)
                .chain(() -> outbox.record(caller, requestId, new DomainEvent(OpportunityService.TOPIC, "pipelines",
                        p.id.toString(), type, Map.of("pipeline", after))));
    }

    private static Pipeline snapshot(Pipeline p) {
        Pipeline copy = new Pipeline();
        copy.id = p.id;
        copy.tenantId = p.tenantId;
        copy.name = p.name;
        copy.stages(p.stages());
        return copy;
    }

    /** The one representation of a pipeline (API, history, events). */
    public static Map<String, Object> view(Pipeline p) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", p.id.toString());
        v.put("name", p.name);
        List<Map<String, Object>> stages = new ArrayList<>();
        for (int i = 0; i < p.stages().size(); i++) {
            Stage s = p.stages().get(i);
            Map<String, Object> sv = new LinkedHashMap<>();
            sv.put("id", s.id().toString());
            sv.put("name", s.name());
            sv.put("position", i);
            sv.put("probability", s.probability());
            sv.put("won", s.won());
            sv.put("lost", s.lost());
            sv.put("staleAfterDays", s.staleAfterDays());
            stages.add(sv);
        }
        v.put("stages", stages);
        v.put("version", p.version);
        v.put("createdAt", p.createdAt.toString());
        v.put("updatedAt", p.updatedAt.toString());
        return v;
    }

    /** Rules over the whole stage list; field-level rules are checked at the edge. */
    static void validate(List<Stage> stages) {
        ValidationErrors errors = new ValidationErrors();
        if (stages.isEmpty()) {
            errors.add("/stages", "a pipeline needs at least one stage");
        }
        if (stages.size() > 50) {
            errors.add("/stages", "at most 50 stages");
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < stages.size(); i++) {
            if (!names.add(stages.get(i).name().toLowerCase(java.util.Locale.ROOT))) {
                errors.add("/stages/" + i + "/name", "stage names must be unique within the pipeline");
            }
        }
        if (!stages.isEmpty() && stages.stream().allMatch(Stage::closed)) {
            errors.add("/stages", "a pipeline needs at least one open stage (neither won nor lost)");
        }
        if (!stages.isEmpty() && stages.get(0).closed()) {
            errors.add("/stages/0", "the first stage (where new opportunities start) must be open");
        }
        errors.throwIfAny();
    }
}
