package io.clientele.platform.org;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

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
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Teams and their members: the definitions (emitting team.* events), and the membership look-ups other modules
 * use (record visibility, assignment). Look-ups read committed state on their own connection, so they work
 * inside or outside a caller's session.
 */
@ApplicationScoped
public class Teams {

    public static final String TOPIC = "clientele.teams";
    public static final int MAX_MEMBERS = 1000;

    /** A team's writable state. */
    public record TeamDraft(String name, String description) {
    }

    private final TeamRepository teams;
    private final Outbox outbox;
    private final Pool pool;

    Teams(TeamRepository teams, Outbox outbox, Pool pool) {
        this.teams = teams;
        this.outbox = outbox;
        this.pool = pool;
    }

    @WithTransaction
    public Uni<Team> create(Caller caller, String requestId, TeamDraft draft) {
        return uniqueName(caller, draft.name(), null).chain(() -> {
            Team team = new Team();
            team.initialise(caller.tenantId());
            team.name = draft.name();
            team.description = draft.description();
            return teams.persist(team).call(saved -> outbox.record(caller, requestId,
                    event(saved.id, "team.created", Map.of("team", saved.view()))));
        });
    }

    @WithTransaction
    public Uni<Team> update(Caller caller, String requestId, UUID id, Precondition precondition,
            UnaryOperator<TeamDraft> change) {
        return get(caller, id).chain(team -> {
            precondition.check(team.version);
            TeamDraft draft = change.apply(new TeamDraft(team.name, team.description));
            return uniqueName(caller, draft.name(), team.id).chain(() -> {
                Map<String, Object> before = team.view();
                team.name = draft.name();
                team.description = draft.description();
                List<String> changed = Diff.changedFields(before, team.view(), Set.of());
                if (changed.isEmpty()) {
                    return Uni.createFrom().item(team);
                }
                team.touch();
                return teams.flush().replaceWith(team).call(saved -> outbox.record(caller, requestId,
                        event(saved.id, "team.updated", Map.of("team", saved.view(), "changedFields", changed))));
            });
        });
    }

    @WithTransaction
    public Uni<Void> delete(Caller caller, String requestId, UUID id, Precondition precondition) {
        return get(caller, id).chain(team -> {
            precondition.check(team.version);
            // Memberships go with the team (ON DELETE CASCADE); records owned by its members keep their owners.
            return teams.delete(team).chain(() -> outbox.record(caller, requestId, event(team.id, "team.deleted",
                    Map.of("id", team.id.toString(), "deletedAt", TenantRecord.now().toString()))));
        });
    }

    @WithSession
    public Uni<Team> get(Caller caller, UUID id) {
        return teams.find(caller.tenantId(), id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("team", id));
    }

    @WithSession
    public Uni<List<Team>> list(Caller caller, SqlFragment where, String orderBy, int limit) {
        return teams.list(caller.tenantId(), where, orderBy, limit);
    }

    @WithSession
    public Uni<List<TeamMember>> members(Caller caller, UUID id) {
        return get(caller, id).chain(team -> teams.members(caller.tenantId(), team.id));
    }

    /** Adds a member or changes its role; a no-op (no event) when it already has that role. */
    @WithTransaction
    public Uni<TeamMember> putMember(Caller caller, String requestId, UUID id, String subject, String role) {
        return get(caller, id).chain(team -> teams.findMember(caller.tenantId(), team.id, subject).chain(existing -> {
            if (existing != null && existing.role().equals(role)) {
                return Uni.createFrom().item(existing);
            }
            Uni<Void> capacity = existing != null ? Uni.createFrom().voidItem()
                    : teams.memberCount(caller.tenantId(), team.id).invoke(n -> {
                        if (n >= MAX_MEMBERS) {
                            throw new ProblemException(ProblemType.CONFLICT,
                                    "a team has at most " + MAX_MEMBERS + " members");
                        }
                    }).replaceWithVoid();
            String type = existing == null ? "team.member_added" : "team.member_updated";
            return capacity.chain(() -> teams.upsertMember(caller.tenantId(), team.id, subject, role))
                    .call(member -> outbox.record(caller, requestId, event(team.id, type, member.view())));
        }));
    }

    @WithTransaction
    public Uni<Void> removeMember(Caller caller, String requestId, UUID id, String subject) {
        return get(caller, id).chain(team -> teams.removeMember(caller.tenantId(), team.id, subject).chain(removed -> {
            if (!removed) {
                throw new ProblemException(ProblemType.NOT_FOUND, "'" + subject + "' is not a member of team " + id);
            }
            return outbox.record(caller, requestId, event(team.id, "team.member_removed",
                    Map.of("teamId", team.id.toString(), "subject", subject)));
        }));
    }

    /** The subjects of every team {@code subject} belongs to, {@code subject} included. */
    public Uni<Set<String>> teammates(String tenantId, String subject) {
        return subjects("""
                SELECT DISTINCT other.subject FROM team_member me
                  JOIN team_member other ON other.team_id = me.team_id
                 WHERE me.tenant_id = $1 AND me.subject = $2
                """, Tuple.of(tenantId, subject)).map(found -> {
                    found.add(subject);
                    return found;
                });
    }

    /** The subjects of one team's members (empty for an unknown team). */
    public Uni<Set<String>> members(String tenantId, UUID teamId) {
        return subjects("SELECT subject FROM team_member WHERE tenant_id = $1 AND team_id = $2",
                Tuple.of(tenantId, teamId));
    }

    private Uni<Set<String>> subjects(String sql, Tuple args) {
        return pool.preparedQuery(sql).execute(args).map(rows -> {
            Set<String> found = new HashSet<>();
            for (Row row : rows) {
                found.add(row.getString(0));
            }
            return found;
        });
    }

    private Uni<Void> uniqueName(Caller caller, String name, UUID self) {
        return teams.nameTaken(caller.tenantId(), name, self).invoke(taken -> {
            if (taken) {
                throw new ProblemException(ProblemType.CONFLICT, "a team named '" + name + "' already exists")
                        .with("field", "name");
            }
        }).replaceWithVoid();
    }

    private static DomainEvent event(UUID id, String type, Object data) {
        return new DomainEvent(TOPIC, "teams", id.toString(), type, data);
    }
}
