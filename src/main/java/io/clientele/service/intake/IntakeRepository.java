package io.clientele.service.intake;

import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.persistence.TenantRecord;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** The receipts and thread keys behind idempotent, threaded intake. */
@ApplicationScoped
public class IntakeRepository {

    /** What an earlier delivery of the same message produced. */
    public record Receipt(UUID ticketId, UUID messageId) {
    }

    /**
     * Serialises, until the transaction ends, every intake touching one of {@code keys} (on any replica),
     * so a redelivery racing its original, or two messages of one new thread, cannot both miss each other.
     * Locks are taken in hash order, so two writers never wait for each other crosswise.
     */
    public Uni<Void> lock(String tenantId, List<String> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String[] scoped = keys.stream().map(k -> lockName(tenantId, k)).toArray(String[]::new);
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                SELECT count(pg_advisory_xact_lock(h)) FROM (
                    SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest(CAST(:keys AS text[])) k ORDER BY 1) l
                """, Long.class).setParameter("keys", scoped).getSingleResult()).replaceWithVoid();
    }

    /** The advisory lock name of an intake key (tests hold it to stall the consumer). */
    public static String lockName(String tenantId, String key) {
        return "intake|" + tenantId + "|" + key;
    }

    public Uni<Receipt> receipt(String tenantId, String key) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                "SELECT ticket_id, message_id FROM intake_receipt WHERE tenant_id = :tenant AND key = :key",
                Object[].class).setParameter("tenant", tenantId).setParameter("key", key).getResultList())
                .map(rows -> rows.isEmpty() ? null : new Receipt((UUID) rows.get(0)[0], (UUID) rows.get(0)[1]));
    }

    public Uni<Void> saveReceipt(String tenantId, String key, UUID ticketId, UUID messageId) {
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                INSERT INTO intake_receipt (tenant_id, key, ticket_id, message_id, received_at)
                VALUES (:tenant, :key, :ticket, :message, :at)
                """).setParameter("tenant", tenantId).setParameter("key", key).setParameter("ticket", ticketId)
                .setParameter("message", messageId)
                .setParameter("at", TenantRecord.now().atOffset(ZoneOffset.UTC)).executeUpdate()).replaceWithVoid();
    }

    /** The newest ticket, not closed, that one of {@code keys} belongs to; null when none. */
    public Uni<UUID> openThread(String tenantId, List<String> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                SELECT t.id FROM ticket_thread_key k JOIN ticket t ON t.id = k.ticket_id
                 WHERE k.tenant_id = :tenant AND k.key = ANY(CAST(:keys AS text[])) AND t.status <> 'closed'
                 ORDER BY t.created_at DESC LIMIT 1
                """, UUID.class).setParameter("tenant", tenantId)
                .setParameter("keys", keys.toArray(String[]::new)).getResultList())
                .map(rows -> rows.isEmpty() ? null : rows.get(0));
    }

    /**
     * Points {@code keys} at {@code ticketId}. With {@code takeOver}, keys of an older (closed) ticket
     * move to this one, so later replies join the follow-up.
     */
    public Uni<Void> registerThread(String tenantId, List<String> keys, UUID ticketId, boolean takeOver) {
        if (keys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                INSERT INTO ticket_thread_key (tenant_id, key, ticket_id)
                SELECT :tenant, k, :ticket FROM unnest(CAST(:keys AS text[])) k
                ON CONFLICT (tenant_id, key) DO
                """ + (takeOver ? "UPDATE SET ticket_id = EXCLUDED.ticket_id" : "NOTHING"))
                .setParameter("tenant", tenantId).setParameter("ticket", ticketId)
                .setParameter("keys", keys.toArray(String[]::new)).executeUpdate()).replaceWithVoid();
    }
}
