package io.clientele.service.tickets;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.clientele.platform.persistence.TenantRecord;

/** One entry of a ticket's conversation; written once, never changed. */
@Entity
@Table(name = "ticket_message")
public class TicketMessage extends TenantRecord {

    @Column(name = "ticket_id", nullable = false, updatable = false)
    public UUID ticketId;

    @Column(nullable = false, updatable = false)
    public String direction;

    @Column(nullable = false, updatable = false)
    public String channel;

    @Column(nullable = false, updatable = false)
    public String body;

    /** The agent or client (token subject) who wrote an outbound message or note. */
    @Column(name = "author_id", updatable = false)
    public String authorId;

    /** Who sent an inbound message: an email address or phone number as the gateway saw it. */
    @Column(updatable = false)
    public String sender;

    /** The channel's own id of the message (email Message-ID, call id, chat message id). */
    @Column(name = "external_id", updatable = false)
    public String externalId;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, updatable = false)
    public Attachments attachments = Attachments.NONE;

    public MessageDirection direction() {
        return MessageDirection.valueOf(direction.toUpperCase());
    }
}
