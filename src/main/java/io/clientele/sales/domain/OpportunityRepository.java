package io.clientele.sales.domain;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.paging.PageQueries;
import io.clientele.platform.query.SqlFragment;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Opportunity and stage-period queries; every one scoped to a tenant, skipping deleted opportunities. */
@ApplicationScoped
public class OpportunityRepository implements PanacheRepositoryBase<Opportunity, UUID> {

    private static final String ACTIVE = "deleted_at IS NULL";

    public Uni<Opportunity> findActive(String tenantId, UUID id) {
        return find("id = ?1 and tenantId = ?2 and deletedAt is null", id, tenantId).firstResult();
    }

    public Uni<List<Opportunity>> list(String tenantId, SqlFragment where, String orderBy, int limit) {
        return PageQueries.fetch(Opportunity.class, "opportunity", tenantId, ACTIVE, where, orderBy, limit);
    }

    /** Active opportunities in a stage, locked for the move that follows (stage deletion). */
    public Uni<List<Opportunity>> lockInStage(String tenantId, UUID pipelineId, UUID stageId) {
        return getSession().chain(session -> session.createNativeQuery(
                "SELECT * FROM opportunity WHERE tenant_id = :tenant AND pipeline_id = :pipeline"
                        + " AND stage_id = :stage AND deleted_at IS NULL ORDER BY id FOR UPDATE", Opportunity.class)
                .setParameter("tenant", tenantId)
                .setParameter("pipeline", pipelineId)
                .setParameter("stage", stageId)
                .getResultList());
    }

    public Uni<Long> countInPipeline(String tenantId, UUID pipelineId) {
        return count("tenantId = ?1 and pipelineId = ?2 and deletedAt is null", tenantId, pipelineId);
    }

    /** Closes the open stage period of an opportunity and opens the next one (null stage: only closes). */
    public Uni<Void> enterStage(Opportunity o, UUID previousStage, String actor, Instant at) {
        return getSession().chain(session -> session.createNativeQuery(
                "WITH closed AS (UPDATE opportunity_stage_period SET exited_at = :at"
                        + " WHERE opportunity_id = :id AND exited_at IS NULL"
                        + " RETURNING tenant_id, pipeline_id, stage_id, extract(epoch FROM exited_at - entered_at) AS s)"
                        + " INSERT INTO stage_stay_stat (tenant_id, pipeline_id, stage_id, created_day, owner_id, stays,"
                        + " seconds) SELECT tenant_id, pipeline_id, stage_id, :day, :owner, 1, s FROM closed"
                        + " ON CONFLICT (tenant_id, pipeline_id, stage_id, created_day, owner_id) DO UPDATE"
                        + " SET stays = stage_stay_stat.stays + 1, seconds = stage_stay_stat.seconds + EXCLUDED.seconds")
                .setParameter("at", at.atOffset(ZoneOffset.UTC))
                .setParameter("id", o.id)
                .setParameter("day", o.createdAt.atOffset(ZoneOffset.UTC).toLocalDate())
                .setParameter("owner", o.ownerId)
                .executeUpdate()
                .chain(() -> session.createNativeQuery(
                        "INSERT INTO opportunity_stage_period (tenant_id, opportunity_id, pipeline_id, stage_id,"
                                + " entered_at, actor) VALUES (:tenant, :id, :pipeline, :stage, :at, :actor)")
                        .setParameter("tenant", o.tenantId)
                        .setParameter("id", o.id)
                        .setParameter("pipeline", o.pipelineId)
                        .setParameter("stage", o.stageId)
                        .setParameter("at", at.atOffset(ZoneOffset.UTC))
                        .setParameter("actor", actor)
                        .executeUpdate())
                .chain(() -> session.createNativeQuery(
                        "UPDATE opportunity SET stage_path = stage_path || CAST(:stage AS uuid)"
                                + " WHERE id = :id AND NOT (CAST(:stage AS uuid) = ANY (stage_path))")
                        .setParameter("stage", o.stageId)
                        .setParameter("id", o.id)
                        .executeUpdate()))
                .replaceWithVoid();
    }

    /** Closes the open stage period of a deleted opportunity. */
    public Uni<Void> exitStage(UUID opportunityId, Instant at) {
        return getSession().chain(session -> session.createNativeQuery(
                "UPDATE opportunity_stage_period SET exited_at = :at WHERE opportunity_id = :id AND exited_at IS NULL")
                .setParameter("at", at.atOffset(ZoneOffset.UTC))
                .setParameter("id", opportunityId)
                .executeUpdate()).replaceWithVoid();
    }

    /** Stage periods of one opportunity, oldest first: stage id, entered, exited (null while there). */
    public Uni<List<Object[]>> stagePeriods(String tenantId, UUID opportunityId) {
        return getSession().chain(session -> session.createNativeQuery(
                "SELECT CAST(stage_id AS text), CAST(pipeline_id AS text), entered_at, exited_at, actor"
                        + " FROM opportunity_stage_period WHERE tenant_id = :tenant AND opportunity_id = :id"
                        + " ORDER BY entered_at, id", Object[].class)
                .setParameter("tenant", tenantId)
                .setParameter("id", opportunityId)
                .getResultList());
    }

    /** Marks that an activity happened now (derived data: no version change, no history entry). */
    public Uni<Void> touchActivity(String tenantId, UUID opportunityId, Instant at) {
        return getSession().chain(session -> session.createNativeQuery(
                "UPDATE opportunity SET last_activity_at = GREATEST(last_activity_at, :at)"
                        + " WHERE tenant_id = :tenant AND id = :id")
                .setParameter("at", at.atOffset(ZoneOffset.UTC))
                .setParameter("tenant", tenantId)
                .setParameter("id", opportunityId)
                .executeUpdate()).replaceWithVoid();
    }
}
