package io.clientele.service.tickets;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.clientele.platform.persistence.TenantRecord;

/** A customer service case: what the customer asked, who handles it, and where it stands. */
@Entity
@Table(name = "ticket")
public class Ticket extends TenantRecord {

    @Column(nullable = false)
    public String type;

    @Column(nullable = false)
    public String channel;

    @Column(nullable = false)
    public String priority;

    @Column(nullable = false)
    public String status;

    @Column(nullable = false)
    public String subject;

    /** The customer who asked. */
    @Column(name = "requester_id")
    public UUID customerId;

    /** The agent (token subject) handling the ticket. */
    @Column(name = "assignee_id")
    public String assigneeId;

    @Column(name = "team_id")
    public UUID teamId;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false)
    public String[] tags = new String[0];

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> attributes = new LinkedHashMap<>();

    /** Why the ticket went to its team and assignee (rule, strategy, candidates); null until assigned. */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> assignment;

    @Column(name = "created_by", updatable = false)
    public String createdBy;

    @Column(name = "updated_by")
    public String updatedBy;

    @Column(name = "last_message_at")
    public Instant lastMessageAt;

    @Column(name = "solved_at")
    public Instant solvedAt;

    @Column(name = "closed_at")
    public Instant closedAt;

    public TicketStatus status() {
        return TicketStatus.valueOf(status.toUpperCase());
    }

    public TicketType type() {
        return TicketType.valueOf(type.toUpperCase());
    }

    public TicketChannel channel() {
        return TicketChannel.valueOf(channel.toUpperCase());
    }

    public TicketPriority priority() {
        return TicketPriority.valueOf(priority.toUpperCase());
    }
}
