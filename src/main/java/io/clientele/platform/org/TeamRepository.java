package io.clientele.platform.org;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.paging.PageQueries;
import io.clientele.platform.query.SqlFragment;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Team and membership queries; every one scoped to a tenant. */
@ApplicationScoped
public class TeamRepository implements PanacheRepositoryBase<Team, UUID> {

    public Uni<Team> find(String tenantId, UUID id) {
        return find("id = ?1 and tenantId = ?2", id, tenantId).firstResult();
    }

    public Uni<Boolean> nameTaken(String tenantId, String name, UUID except) {
        return count("tenantId = ?1 and lower(name) = lower(?2) and id <> ?3", tenantId, name,
                except == null ? new UUID(0, 0) : except).map(n -> n > 0);
    }

    public Uni<List<Team>> list(String tenantId, SqlFragment where, String orderBy, int limit) {
        return PageQueries.fetch(Team.class, "team", tenantId, "TRUE", where, orderBy, limit);
    }

    public Uni<List<TeamMember>> members(String tenantId, UUID teamId) {
        return getSession().chain(session -> session.createNativeQuery("""
                SELECT CAST(team_id AS text), subject, role, added_at FROM team_member
                 WHERE tenant_id = :tenant AND team_id = :team ORDER BY subject
                """, Object[].class)
                .setParameter("tenant", tenantId)
                .setParameter("team", teamId)
                .getResultList())
                .map(rows -> rows.stream().map(TeamRepository::member).toList());
    }

    public Uni<Long> memberCount(String tenantId, UUID teamId) {
        return getSession().chain(session -> session.createNativeQuery(
                "SELECT count(*) FROM team_member WHERE tenant_id = :tenant AND team_id = :team", Long.class)
                .setParameter("tenant", tenantId)
                .setParameter("team", teamId)
                .getSingleResult());
    }

    /** Adds the member or changes its role; returns the membership as stored and whether it was new or changed. */
    public Uni<TeamMember> upsertMember(String tenantId, UUID teamId, String subject, String role) {
        return getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO team_member (team_id, tenant_id, subject, role, added_at)
                VALUES (:team, :tenant, :subject, :role, now())
                ON CONFLICT (team_id, subject) DO UPDATE SET role = EXCLUDED.role
                RETURNING CAST(team_id AS text), subject, role, added_at
                """, Object[].class)
                .setParameter("team", teamId)
                .setParameter("tenant", tenantId)
                .setParameter("subject", subject)
                .setParameter("role", role)
                .getSingleResult())
                .map(TeamRepository::member);
    }

    public Uni<TeamMember> findMember(String tenantId, UUID teamId, String subject) {
        return getSession().chain(session -> session.createNativeQuery("""
                SELECT CAST(team_id AS text), subject, role, added_at FROM team_member
                 WHERE tenant_id = :tenant AND team_id = :team AND subject = :subject
                """, Object[].class)
                .setParameter("tenant", tenantId)
                .setParameter("team", teamId)
                .setParameter("subject", subject)
                .getResultList())
                .map(rows -> rows.isEmpty() ? null : member(rows.get(0)));
    }

    public Uni<Boolean> removeMember(String tenantId, UUID teamId, String subject) {
        return getSession().chain(session -> session.createNativeQuery(
                "DELETE FROM team_member WHERE tenant_id = :tenant AND team_id = :team AND subject = :subject")
                .setParameter("tenant", tenantId)
                .setParameter("team", teamId)
                .setParameter("subject", subject)
                .executeUpdate())
                .map(n -> n > 0);
    }

    private static TeamMember member(Object[] row) {
        Object added = row[3];
        Instant addedAt = added instanceof OffsetDateTime odt ? odt.toInstant() : (Instant) added;
        return new TeamMember(UUID.fromString((String) row[0]), (String) row[1], (String) row[2], addedAt);
    }
}
