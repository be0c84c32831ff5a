package io.clientele.service.survey;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A CSAT survey of one solved ticket; answered once, through its public link. */
@Entity
@Table(name = "csat_survey")
public class Survey extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "tenant_id", nullable = false, updatable = false)
    public String tenantId;

    @Column(name = "ticket_id", nullable = false, updatable = false)
    public UUID ticketId;

    /** The agent who solved the ticket (token subject), the one the rating counts for. */
    @Column(name = "agent_id")
    public String agentId;

    @Column(name = "team_id")
    public String teamId;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "answered_at")
    public Instant answeredAt;

    public Integer rating;

    public String comment;

    public String state(Instant now) {
        return answeredAt != null ? "answered" : now.isBefore(expiresAt) ? "open" : "expired";
    }

    public Map<String, Object> view(Instant now, String link) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id.toString());
        view.put("ticketId", ticketId.toString());
        if (agentId != null) {
            view.put("agentId", agentId);
        }
        if (teamId != null) {
            view.put("teamId", teamId);
        }
        view.put("state", state(now));
        view.put("createdAt", createdAt.toString());
        view.put("expiresAt", expiresAt.toString());
        if (answeredAt != null) {
            view.put("answeredAt", answeredAt.toString());
            view.put("rating", rating);
            if (comment != null) {
                view.put("comment", comment);
            }
        } else if (link != null && "open".equals(state(now))) {
            view.put("link", link);
        }
        return view;
    }
}
