package io.clientele.service.tickets.api;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.org.Teams;
import io.clientele.platform.query.SqlFragment;
import io.clientele.platform.security.Caller;
import io.clientele.platform.security.RecordScope;
import io.clientele.platform.security.Visibility;
import io.clientele.service.tickets.Ticket;
import io.smallrye.mutiny.Uni;

/**
 * Which tickets a caller sees ({@code clientele.security.visibility.tickets.<role>}): the assignee is the
 * owner; below "all", a caller also sees the tickets queued for a team it belongs to, so agents can
 * pick up their team's unassigned work.
 */
@ApplicationScoped
public class TicketScopes {

    static final String RESOURCE = "tickets";

    private final Visibility visibility;
    private final Teams teams;

    TicketScopes(Visibility visibility, Teams teams) {
        this.visibility = visibility;
        this.teams = teams;
    }

    /** The condition restricting a ticket list to what the caller may see. */
    Uni<SqlFragment> listScope(Caller caller) {
        return visibility.scope(caller, RESOURCE).map(scope -> {
            if (scope.all()) {
                return SqlFragment.TRUE;
            }
            SqlFragment owned = scope.on("assignee_id");
            Map<String, Object> params = new HashMap<>(owned.params());
            params.put("vis_tenant", caller.tenantId());
            params.put("vis_subject", caller.subject());
            return new SqlFragment("(" + owned.sql() + " OR team_id IN (SELECT team_id FROM team_member"
                    + " WHERE tenant_id = :vis_tenant AND subject = :vis_subject))", params);
        });
    }

    /** Fails with 404 (a hidden ticket looks like a missing one) when the caller may not see {@code ticket}. */
    public Uni<Void> checkRead(Caller caller, Ticket ticket) {
        return visibility.scope(caller, RESOURCE).chain(scope -> permits(caller, scope, ticket)).invoke(ok -> {
            if (!ok) {
                throw RecordScope.hidden("ticket", ticket.id);
            }
        }).replaceWithVoid();
    }

    private Uni<Boolean> permits(Caller caller, RecordScope scope, Ticket ticket) {
        if (scope.permits(ticket.assigneeId)) {
            return Uni.createFrom().item(true);
        }
        if (ticket.teamId == null) {
            return Uni.createFrom().item(false);
        }
        return teams.members(caller.tenantId(), ticket.teamId).map(members -> members.contains(caller.subject()));
    }
}
