package io.clientele.sales.scoring;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.platform.audit.Audit;
import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;
import io.clientele.platform.security.RecordScope;
import io.clientele.sales.domain.Opportunity;
import io.clientele.sales.domain.Stage;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Trains, stores and serves the per-tenant win-probability models. The stored model (PostgreSQL) is
 * what every replica scores with; each replica keeps it in memory and checks its version at most
 * every few seconds, so a retrain on one replica reaches the others without a restart.
 */
@ApplicationScoped
public class WinModels {

    private static final Logger LOG = Logger.getLogger(WinModels.class);
    private static final Duration RECHECK = Duration.ofSeconds(5);
    private static final TypeReference<io.clientele.sales.domain.Stages> STAGES = new TypeReference<>() {
    };
    /** Each class needs at least this many examples for a model to mean anything. */
    static final int MIN_PER_CLASS = 5;
    public static final String LIBRARY = "clientele logistic regression (L2, Newton/IRLS), ADR 0011";

    private final Pool pool;
    private final ObjectMapper json;
    private final ClienteleConfig config;
    private final Audit audit;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public record Cached(WinModel model, long version, Instant trainedAt, long checkedAt) {
    }

    WinModels(Pool pool, ObjectMapper json, ClienteleConfig config, Audit audit) {
        this.audit = audit;
        this.pool = pool;
        this.json = json;
        this.config = config;
    }

    /** The outcome of a training run, as the API reports it. */
    public record Report(String status, String reason, WinModel model, Instant trainedAt) {
    }

    /** Trains now; 409 when another training of the tenant is running (on any replica). */
    public Uni<Report> train(String tenantId) {
        return train(tenantId, null);
    }

    /** Trains for {@code caller} (a request) or, when null, as background work; audited in the same transaction. */
    public Uni<Report> train(String tenantId, io.clientele.platform.security.Caller caller) {
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0))")
                .execute(Tuple.of("win-model:" + tenantId)).chain(locked -> {
                    if (!locked.iterator().next().getBoolean(0)) {
                        throw new ProblemException(ProblemType.CONFLICT, "a training of this model is running");
                    }
                    return examples(conn, tenantId);
                }).chain(examples -> {
                    long wins = examples.stream().filter(Trainer.Example::won).count();
                    long losses = examples.size() - wins;
                    int min = config.sales().winModel().minClosed();
                    if (examples.size() < min || wins < MIN_PER_CLASS || losses < MIN_PER_CLASS) {
                        return Uni.createFrom().item(new Report("insufficient-data", "the model needs at least " + min
                                + " closed opportunities with at least " + MIN_PER_CLASS + " won and "
                                + MIN_PER_CLASS + " lost; there are " + wins + " won and " + losses + " lost", null,
                                null));
                    }
                    Instant now = Instant.now();
                    WinModel model = Trainer.train(examples, now);
                    return conn.preparedQuery("""
                            INSERT INTO win_model (tenant_id, version, trained_at, model) VALUES ($1, 0, $2, $3::jsonb)
                            ON CONFLICT (tenant_id) DO UPDATE
                               SET version = win_model.version + 1, trained_at = EXCLUDED.trained_at,
                                   model = EXCLUDED.model
                            RETURNING version
                            """).execute(Tuple.of(tenantId, now.atOffset(java.time.ZoneOffset.UTC), write(model)))
                            .call(() -> audit.inTransaction(conn, caller, java.util.List.of(new Audit.SystemChange(
                                    tenantId, "system:win-model", "win_model.trained", "win-model", null))))
                            .map(rows -> {
                                cache.put(tenantId, new Cached(model, rows.iterator().next().getLong(0), now,
                                        System.nanoTime()));
                                return new Report("trained", null, model, now);
                            });
                }));
    }

    /** The stored model of a tenant, or null. */
    public Uni<Cached> current(String tenantId) {
        Cached c = cache.get(tenantId);
        long now = System.nanoTime();
        if (c != null && now - c.checkedAt() < RECHECK.toNanos()) {
            return Uni.createFrom().item(c);
        }
        return pool.preparedQuery("SELECT version FROM win_model WHERE tenant_id = $1").execute(Tuple.of(tenantId))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        Cached none = new Cached(null, -1, null, now);
                        cache.put(tenantId, none);
                        return Uni.createFrom().item(none);
                    }
                    long version = rows.iterator().next().getLong(0);
                    if (c != null && c.version() == version) {
                        Cached fresh = new Cached(c.model(), version, c.trainedAt(), now);
                        cache.put(tenantId, fresh);
                        return Uni.createFrom().item(fresh);
                    }
                    return pool.preparedQuery("SELECT version, trained_at, model::text FROM win_model WHERE tenant_id = $1")
                            .execute(Tuple.of(tenantId)).map(found -> {
                                Row r = found.iterator().next();
                                Cached loaded = new Cached(read(r.getString(2)), r.getLong(0),
                                        r.getOffsetDateTime(1).toInstant(), now);
                                cache.put(tenantId, loaded);
                                return loaded;
                            });
                });
    }

    /**
     * The score of opportunity {@code id} if it exists and {@code scope} lets the caller see it (404 otherwise):
     * the deal, its pipeline's stages and its activity count in one query on the reactive pool, no ORM session.
     */
    public Uni<Map<String, Object>> score(String tenantId, UUID id, RecordScope scope) {
        return pool.preparedQuery("""
                SELECT o.owner_id, o.stage_id, o.amount, o.source, o.created_at, o.stage_entered_at, p.stages::text,
                       a.n, a.last
                  FROM opportunity o JOIN pipeline p ON p.id = o.pipeline_id
                  LEFT JOIN LATERAL (SELECT count(*) AS n, max(occurred_at) AS last FROM sales_activity s
                                      WHERE s.opportunity_id = o.id AND s.deleted_at IS NULL AND s.type <> 'task') a
                         ON true
                 WHERE o.tenant_id = $1 AND o.id = $2 AND o.deleted_at IS NULL""")
                .execute(Tuple.of(tenantId, id)).chain(rows -> {
                    Row r = rows.size() == 0 ? null : rows.iterator().next();
                    if (r == null || !scope.permits(r.getString(0))) {
                        throw ProblemException.notFound("opportunity", id);
                    }
                    Opportunity o = new Opportunity();
                    o.id = id;
                    o.tenantId = tenantId;
                    o.ownerId = r.getString(0);
                    o.stageId = r.getUUID(1);
                    o.amount = r.getBigDecimal(2);
                    o.source = r.getString(3);
                    o.createdAt = r.getOffsetDateTime(4).toInstant();
                    o.stageEnteredAt = r.getOffsetDateTime(5).toInstant();
                    Stage stage = null;
                    try {
                        for (Stage s : json.readValue(r.getString(6), STAGES).items()) {
                            stage = s.id().equals(o.stageId) ? s : stage;
                        }
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException("the pipeline of " + id + " holds invalid stages", e);
                    }
                    OffsetDateTime last = r.getOffsetDateTime(8);
                    return score(o, stage, new ActivityStats(r.getLong(7).intValue(),
                            last == null ? null : last.toInstant()));
                });
    }

    /** The score of an open opportunity in {@code stage}: the model's, or the stage default with the reason. */
    public Uni<Map<String, Object>> score(Opportunity o, Stage stage) {
        return score(o, stage, null);
    }

    /** As above; {@code known} are the activity figures when the caller already read them (null: read them). */
    private Uni<Map<String, Object>> score(Opportunity o, Stage stage, ActivityStats known) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("opportunityId", o.id.toString());
        body.put("stageProbability", stage == null ? null : stage.probability());
        if (stage != null && stage.closed()) {
            body.put("probability", stage.won() ? 1.0 : 0.0);
            body.put("method", "closed");
            body.put("reason", "the opportunity is already " + stage.status());
            return Uni.createFrom().item(body);
        }
        return current(o.tenantId).chain(cached -> {
            if (cached.model() == null) {
                body.put("probability", stage == null ? null : stage.probability().doubleValue());
                body.put("method", "stage-default");
                body.put("reason", "no model is trained for this tenant yet (too few closed opportunities, or never"
                        + " trained): the stage's default probability is used");
                body.put("modelTrainedAt", null);
                body.put("factors", List.of());
                return Uni.createFrom().item(body);
            }
            Uni<ActivityStats> activity = known != null ? Uni.createFrom().item(known) : activity(o.id);
            return activity.map(stats -> {
                Instant now = Instant.now();
                WinFeatures f = new WinFeatures(o.stageId.toString(),
                        stage == null ? 0 : stage.probability().doubleValue(), days(o.createdAt, now), o.amount,
                        stats.count(), days(stats.last() == null ? o.stageEnteredAt : stats.last(), now), o.source,
                        o.ownerId);
                body.put("probability", Math.round(Trainer.probability(cached.model(), f) * 10000) / 10000.0);
                body.put("method", "model");
                body.put("modelTrainedAt", cached.trainedAt().toString());
                body.put("factors", Trainer.factors(cached.model(), f, 5));
                return body;
            });
        });
    }

    record ActivityStats(int count, Instant last) {
    }

    private Uni<ActivityStats> activity(UUID opportunityId) {
        return pool.preparedQuery("SELECT count(*), max(occurred_at) FROM sales_activity WHERE opportunity_id = $1"
                + " AND deleted_at IS NULL AND type <> 'task'").execute(Tuple.of(opportunityId)).map(rows -> {
                    Row r = rows.iterator().next();
                    OffsetDateTime last = r.getOffsetDateTime(1);
                    return new ActivityStats(r.getLong(0).intValue(), last == null ? null : last.toInstant());
                });
    }

    /** Closed opportunities with their features as of just before they closed. */
    private Uni<List<Trainer.Example>> examples(io.vertx.mutiny.sqlclient.SqlConnection conn, String tenantId) {
        return conn.preparedQuery("SELECT id, stages::text FROM pipeline WHERE tenant_id = $1")
                .execute(Tuple.of(tenantId)).chain(pipelines -> {
                    Map<UUID, Stage> stages = new HashMap<>();
                    for (Row r : pipelines) {
                        try {
                            for (Stage s : json.readValue(r.getString(1), STAGES).items()) {
                                stages.put(s.id(), s);
                            }
                        } catch (JsonProcessingException e) {
                            throw new IllegalStateException("pipeline " + r.getUUID(0) + " holds invalid stages", e);
                        }
                    }
                    return conn.preparedQuery("""
                            SELECT o.status = 'won', o.amount, o.source, o.owner_id, o.created_at, o.closed_at,
                                   o.stage_path, COALESCE(a.n, 0), a.last
                              FROM opportunity o
                              LEFT JOIN LATERAL (SELECT count(*) AS n, max(occurred_at) AS last FROM sales_activity s
                                                  WHERE s.opportunity_id = o.id AND s.deleted_at IS NULL
                                                    AND s.type <> 'task' AND s.occurred_at <= o.closed_at) a ON true
                             WHERE o.tenant_id = $1 AND o.status IN ('won', 'lost') AND o.deleted_at IS NULL
                               AND o.closed_at IS NOT NULL
                            """).execute(Tuple.of(tenantId)).map(rows -> {
                        List<Trainer.Example> out = new ArrayList<>();
                        for (Row r : rows) {
                            // The last open stage it was in: the stage it was closed from.
                            Stage from = null;
                            for (UUID id : r.getArrayOfUUIDs(6)) {
                                Stage s = stages.get(id);
                                if (s != null && !s.closed()) {
                                    from = s;
                                }
                            }
                            Instant created = r.getOffsetDateTime(4).toInstant();
                            Instant closed = r.getOffsetDateTime(5).toInstant();
                            OffsetDateTime last = r.getOffsetDateTime(8);
                            WinFeatures f = new WinFeatures(from == null ? "" : from.id().toString(),
                                    from == null ? 0 : from.probability().doubleValue(), days(created, closed),
                                    r.getBigDecimal(1) == null ? BigDecimal.ZERO : r.getBigDecimal(1),
                                    r.getLong(7).intValue(), days(last == null ? created : last.toInstant(), closed),
                                    r.getString(2), r.getString(3));
                            out.add(new Trainer.Example(f, r.getBoolean(0), closed));
                        }
                        return out;
                    });
                });
    }

    /** Retrains the models of tenants with enough history whose model is missing or older than the interval. */
    @Scheduled(every = "${clientele.sales.win-model.schedule-check}", delayed = "60s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> retrainDue() {
        double age = config.sales().winModel().retrainInterval().toSeconds();
        return pool.preparedQuery("""
                SELECT o.tenant_id FROM opportunity o LEFT JOIN win_model m ON m.tenant_id = o.tenant_id
                 WHERE o.status IN ('won', 'lost') AND o.deleted_at IS NULL
                   AND (m.trained_at IS NULL OR m.trained_at < now() - make_interval(secs => $2))
                 GROUP BY o.tenant_id HAVING count(*) >= $1 LIMIT 50
                """).execute(Tuple.of(config.sales().winModel().minClosed(), age)).chain(rows -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Row r : rows) {
                        String tenant = r.getString(0);
                        chain = chain.chain(() -> train(tenant).onFailure().recoverWithItem(e -> {
                            LOG.warnf("scheduled training of %s failed: %s", tenant, e.getMessage());
                            return null;
                        }).replaceWithVoid());
                    }
                    return chain;
                }).onFailure().invoke(e -> LOG.warnf("scheduled retraining failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private static double days(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toSeconds() / 86400.0);
    }

    private String write(WinModel model) {
        try {
            return json.writeValueAsString(model);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("model is not serialisable", e);
        }
    }

    private WinModel read(String text) {
        try {
            return json.readValue(text, WinModel.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored model is not readable", e);
        }
    }
}
