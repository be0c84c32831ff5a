package io.clientele.service.intake;

import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        return lockAll(keys.stream().map(k -> lockName(tenantId, k)).toList());
    }

    /** {@link #lock} for the keys of a whole batch, given by {@link #lockName}: one statement, hash order. */
    public Uni<Void> lockAll(java.util.Collection<String> names) {
        if (names.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String[] scoped = names.toArray(String[]::new);
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

    /** A thread key as stored: the ticket it points at, whether that ticket is closed, and when it was created. */
    public record ThreadKey(UUID ticketId, boolean closed, long createdMicros) {
    }

    /** Receipts of the given (tenant, key) pairs, by {@link #scoped} key. */
    public Uni<Map<String, Receipt>> receipts(List<String> tenants, List<String> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(new HashMap<>());
        }
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                SELECT r.tenant_id, r.key, r.ticket_id, r.message_id
                  FROM unnest(CAST(:tenants AS text[]), CAST(:keys AS text[])) u(t, k)
                  JOIN intake_receipt r ON r.tenant_id = u.t AND r.key = u.k
                """, Object[].class).setParameter("tenants", tenants.toArray(String[]::new))
                .setParameter("keys", keys.toArray(String[]::new)).getResultList()).map(rows -> {
                    Map<String, Receipt> found = new HashMap<>();
                    rows.forEach(r -> found.put(scoped((String) r[0], (String) r[1]),
                            new Receipt((UUID) r[2], (UUID) r[3])));
                    return found;
                });
    }

    /** Thread keys of the given (tenant, key) pairs, by {@link #scoped} key. */
    public Uni<Map<String, ThreadKey>> threads(List<String> tenants, List<String> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(new HashMap<>());
        }
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                SELECT k.tenant_id, k.key, k.ticket_id, t.status = 'closed',
                       CAST(extract(epoch FROM t.created_at) * 1000000 AS bigint)
                  FROM unnest(CAST(:tenants AS text[]), CAST(:keys AS text[])) u(t, k)
                  JOIN ticket_thread_key k ON k.tenant_id = u.t AND k.key = u.k
                  JOIN ticket t ON t.id = k.ticket_id
                """, Object[].class).setParameter("tenants", tenants.toArray(String[]::new))
                .setParameter("keys", keys.toArray(String[]::new)).getResultList()).map(rows -> {
                    Map<String, ThreadKey> found = new HashMap<>();
                    rows.forEach(r -> found.put(scoped((String) r[0], (String) r[1]),
                            new ThreadKey((UUID) r[2], (Boolean) r[3], ((Number) r[4]).longValue())));
                    return found;
                });
    }

    /**
     * The oldest active customer holding each (tenant, kind, value) natural key, kind {@code email} or
     * {@code phone}, by {@link #scoped}(tenant, kind + ":" + value); as {@code CustomerRepository.findByNaturalKey}.
     */
    public Uni<Map<String, UUID>> requesters(List<String> tenants, List<String> kinds, List<String> values) {
        if (values.isEmpty()) {
            return Uni.createFrom().item(new HashMap<>());
        }
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                SELECT u.t, u.k, u.v, CASE WHEN u.k = 'email'
                       THEN (SELECT c.id FROM customer c WHERE c.tenant_id = u.t AND c.deleted_at IS NULL
                                AND c.email_keys @> ARRAY[u.v] ORDER BY c.created_at, c.id LIMIT 1)
                       ELSE (SELECT c.id FROM customer c WHERE c.tenant_id = u.t AND c.deleted_at IS NULL
                                AND c.phone_keys @> ARRAY[u.v] ORDER BY c.created_at, c.id LIMIT 1) END
                  FROM unnest(CAST(:tenants AS text[]), CAST(:kinds AS text[]), CAST(:vals AS text[])) u(t, k, v)
                """, Object[].class).setParameter("tenants", tenants.toArray(String[]::new))
                .setParameter("kinds", kinds.toArray(String[]::new)).setParameter("vals", values.toArray(String[]::new))
                .getResultList()).map(rows -> {
                    Map<String, UUID> found = new HashMap<>();
                    rows.forEach(r -> {
                        if (r[3] != null) {
                            found.put(scoped((String) r[0], r[1] + ":" + r[2]), (UUID) r[3]);
                        }
                    });
                    return found;
                });
    }

    /** Saves the receipts of a batch with one statement. */
    public Uni<Void> saveReceipts(List<String> tenants, List<String> keys, List<UUID> tickets, List<UUID> messages) {
        if (keys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                INSERT INTO intake_receipt (tenant_id, key, ticket_id, message_id, received_at)
                SELECT t, k, tk, m, :at
                  FROM unnest(CAST(:tenants AS text[]), CAST(:keys AS text[]), CAST(:tickets AS uuid[]),
                              CAST(:messages AS uuid[])) u(t, k, tk, m)
                """).setParameter("tenants", tenants.toArray(String[]::new))
                .setParameter("keys", keys.toArray(String[]::new))
                .setParameter("tickets", tickets.toArray(UUID[]::new))
                .setParameter("messages", messages.toArray(UUID[]::new))
                .setParameter("at", TenantRecord.now().atOffset(ZoneOffset.UTC)).executeUpdate()).replaceWithVoid();
    }

    /** Points each (tenant, key) at its ticket with one statement, replacing what a key pointed at before. */
    public Uni<Void> saveThreads(List<String> tenants, List<String> keys, List<UUID> tickets) {
        if (keys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                INSERT INTO ticket_thread_key (tenant_id, key, ticket_id)
                SELECT t, k, tk FROM unnest(CAST(:tenants AS text[]), CAST(:keys AS text[]), CAST(:tickets AS uuid[]))
                       u(t, k, tk)
                ON CONFLICT (tenant_id, key) DO UPDATE SET ticket_id = EXCLUDED.ticket_id
                """).setParameter("tenants", tenants.toArray(String[]::new))
                .setParameter("keys", keys.toArray(String[]::new))
                .setParameter("tickets", tickets.toArray(UUID[]::new)).executeUpdate()).replaceWithVoid();
    }

    /** A (tenant, key) pair as one map key. */
    public static String scoped(String tenantId, String key) {
        return tenantId + "\u0000" + key;
    }
}
