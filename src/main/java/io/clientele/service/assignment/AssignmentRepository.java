package io.clientele.service.assignment;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.query.SqlFragment;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** The queries assignment runs, inside the transaction that routes a ticket. */
@ApplicationScoped
public class AssignmentRepository {

    public Uni<List<AssignmentRule>> enabledRules(String tenantId) {
        return Panache.getSession().chain(s -> s.createSelectionQuery(
                "from AssignmentRule where tenantId = :tenant and enabled = true order by position, createdAt, id",
                AssignmentRule.class).setParameter("tenant", tenantId).getResultList());
    }

    /**
     * Serialises routing into one team until the transaction ends, on every replica: the loads and the
     * round-robin position read next are then those the previous assignment left.
     */
    public Uni<Void> lockTeam(String tenantId, UUID teamId) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                "SELECT count(pg_advisory_xact_lock(hashtextextended(:key, 0)))", Long.class)
                .setParameter("key", "assign|" + tenantId + "|" + teamId).getSingleResult()).replaceWithVoid();
    }

    /**
     * The team's members, read through the routing transaction's session: {@code Teams.members} runs on the
     * Vert.x pool, whose answer can arrive on another context than the intake consumer's session lives on.
     */
    public Uni<Set<String>> members(String tenantId, UUID teamId) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                "SELECT subject FROM team_member WHERE tenant_id = :tenant AND team_id = :team", String.class)
                .setParameter("tenant", tenantId).setParameter("team", teamId).getResultList())
                .map(java.util.HashSet::new);
    }

    public Uni<List<ServiceAgent>> agents(String tenantId, Set<String> subjects) {
        return Panache.getSession().chain(s -> s.createSelectionQuery(
                "from ServiceAgent where tenantId = :tenant and subject in :subjects", ServiceAgent.class)
                .setParameter("tenant", tenantId).setParameter("subjects", subjects).getResultList());
    }

    /**
     * Open (new, open, pending, on hold) tickets per assignee, from the counters a trigger keeps in the
     * transaction of every ticket write (V71); a row read per agent however large the open backlog is.
     */
    public Uni<Map<String, Long>> loads(String tenantId, Set<String> subjects) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                "SELECT assignee_id, open_count FROM agent_open_tickets WHERE tenant_id = :tenant"
                        + " AND assignee_id = ANY(CAST(:subjects AS text[])) AND open_count > 0", Object[].class)
                .setParameter("tenant", tenantId).setParameter("subjects", subjects.toArray(String[]::new))
                .getResultList()).map(rows -> {
                    Map<String, Long> loads = new HashMap<>();
                    rows.forEach(r -> loads.put((String) r[0], ((Number) r[1]).longValue()));
                    return loads;
                });
    }

    public Uni<String> cursor(String tenantId, UUID teamId) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                "SELECT last_subject FROM assignment_cursor WHERE tenant_id = :tenant AND team_id = :team",
                String.class).setParameter("tenant", tenantId).setParameter("team", teamId).getResultList())
                .map(rows -> rows.isEmpty() ? null : rows.get(0));
    }

    public Uni<Void> moveCursor(String tenantId, UUID teamId, String subject) {
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                INSERT INTO assignment_cursor (tenant_id, team_id, last_subject) VALUES (:tenant, :team, :subject)
                ON CONFLICT (tenant_id, team_id) DO UPDATE SET last_subject = EXCLUDED.last_subject
                """).setParameter("tenant", tenantId).setParameter("team", teamId).setParameter("subject", subject)
                .executeUpdate()).replaceWithVoid();
    }

    /** The filters of these segments (those of the tenant that exist). */
    public Uni<List<String>> segmentFilters(String tenantId, List<UUID> segmentIds) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                "SELECT filter FROM segment WHERE tenant_id = :tenant AND id = ANY(CAST(:ids AS uuid[]))", String.class)
                .setParameter("tenant", tenantId).setParameter("ids", segmentIds.toArray(UUID[]::new))
                .getResultList());
    }

    /** Whether the active customer {@code customerId} matches {@code where} (a compiled customer filter). */
    public Uni<Boolean> customerMatches(String tenantId, UUID customerId, SqlFragment where) {
        return Panache.getSession().chain(s -> {
            var q = s.createNativeQuery("SELECT count(*) FROM customer WHERE tenant_id = :tenant AND id = :id"
                    + " AND deleted_at IS NULL AND (" + where.sql() + ")", Long.class)
                    .setParameter("tenant", tenantId).setParameter("id", customerId);
            where.params().forEach(q::setParameter);
            return q.getSingleResult();
        }).map(n -> n > 0);
    }
}
