package io.clientele.customer.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.audit.Audit;
import io.clientele.platform.crypto.EncryptedStore;
import io.clientele.platform.crypto.FieldCipher;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The customers' sealed sensitive fields and their blind indexes for the re-encryption job. Re-sealing and
 * re-indexing change no value a client sees, so they bump no version and record no history or event; each moved
 * row gets a system audit entry in the same transaction.
 */
@ApplicationScoped
public class CustomerSensitiveStore implements EncryptedStore {

    private final Pool pool;
    private final SensitiveData sensitive;
    private final FieldCipher cipher;
    private final Audit audit;

    CustomerSensitiveStore(Pool pool, SensitiveData sensitive, FieldCipher cipher, Audit audit) {
        this.pool = pool;
        this.sensitive = sensitive;
        this.cipher = cipher;
        this.audit = audit;
    }

    @Override
    public String name() {
        return "customer";
    }

    @Override
    public Uni<Map<Integer, Long>> countByKeyVersion() {
        return pool.query("SELECT sensitive_key_version, count(*) FROM customer"
                + " WHERE sensitive_key_version IS NOT NULL GROUP BY 1 ORDER BY 1").execute().map(rows -> {
                    Map<Integer, Long> counts = new TreeMap<>();
                    for (Row row : rows) {
                        counts.put(row.getInteger(0), row.getLong(1));
                    }
                    return counts;
                });
    }

    @Override
    public Uni<Map<Integer, Long>> countByIndexVersion() {
        return pool.query("SELECT blind_index_version, count(*) FROM customer"
                + " WHERE blind_index_version IS NOT NULL GROUP BY 1 ORDER BY 1").execute().map(rows -> {
                    Map<Integer, Long> counts = new TreeMap<>();
                    for (Row row : rows) {
                        counts.put(row.getInteger(0), row.getLong(1));
                    }
                    return counts;
                });
    }

    @Override
    public Uni<Integer> reencryptBatch(int activeVersion, int limit) {
        int activeIndex = cipher.activeIndexVersion();
        // Rows a request is writing right now are skipped, not waited for; the next batch takes them.
        return pool.withTransaction(conn -> conn.preparedQuery("""
                SELECT id, tenant_id, sensitive_data FROM customer
                 WHERE sensitive_key_version IS NOT NULL
                   AND (sensitive_key_version <> $1 OR blind_index_version IS DISTINCT FROM $3)
                 LIMIT $2 FOR UPDATE SKIP LOCKED
                """).execute(Tuple.of(activeVersion, limit, activeIndex)).chain(rows -> {
            List<Tuple> updates = new ArrayList<>();
            List<Audit.SystemChange> changes = new ArrayList<>();
            for (Row row : rows) {
                Customer c = new Customer();
                c.id = row.getUUID("id");
                Buffer sealed = row.getBuffer("sensitive_data");
                c.sensitiveData = sealed.getBytes();
                sensitive.reseal(c, activeVersion);
                updates.add(Tuple.from(new Object[] { c.id, io.vertx.core.buffer.Buffer.buffer(c.sensitiveData),
                        activeVersion, c.nationalIdIndex, c.personalPhoneIndex, c.blindIndexVersion }));
                changes.add(new Audit.SystemChange(row.getString("tenant_id"), ACTOR, Audit.SYSTEM + " "
                        + ACTION.formatted(activeVersion, activeIndex), "customers/" + c.id, null));
            }
            if (updates.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            return conn.preparedQuery("UPDATE customer SET sensitive_data = $2, sensitive_key_version = $3,"
                    + " national_id_bidx = $4, personal_phone_bidx = $5, blind_index_version = $6 WHERE id = $1")
                    .executeBatch(updates)
                    .chain(() -> audit.inTransaction(conn, null, changes))
                    .replaceWith(updates.size());
        }));
    }

    private static final String ACTOR = "system:reencryption";
    private static final String ACTION = "crypto.reencrypted (key version %d, blind-index version %d)";
}
