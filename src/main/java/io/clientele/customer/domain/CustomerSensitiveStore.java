package io.clientele.customer.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.crypto.EncryptedStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The customers' sealed sensitive fields for the re-encryption job. Re-sealing changes neither the values nor
 * the blind indexes, so it bumps no version and records no history or event: to clients nothing changed.
 */
@ApplicationScoped
public class CustomerSensitiveStore implements EncryptedStore {

    private final Pool pool;
    private final SensitiveData sensitive;

    CustomerSensitiveStore(Pool pool, SensitiveData sensitive) {
        this.pool = pool;
        this.sensitive = sensitive;
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
    public Uni<Integer> reencryptBatch(int activeVersion, int limit) {
        // Rows a request is writing right now are skipped, not waited for; the next batch takes them.
        return pool.withTransaction(conn -> conn.preparedQuery("""
                SELECT id, sensitive_data FROM customer
                 WHERE sensitive_key_version IS NOT NULL AND sensitive_key_version <> $1
                 LIMIT $2 FOR UPDATE SKIP LOCKED
                """).execute(Tuple.of(activeVersion, limit)).chain(rows -> {
            List<Tuple> updates = new ArrayList<>();
            for (Row row : rows) {
                Customer c = new Customer();
                c.id = row.getUUID("id");
                Buffer sealed = row.getBuffer("sensitive_data");
                c.sensitiveData = sealed.getBytes();
                sensitive.reseal(c, activeVersion);
                updates.add(Tuple.of(c.id, io.vertx.core.buffer.Buffer.buffer(c.sensitiveData), activeVersion));
            }
            if (updates.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            return conn.preparedQuery("UPDATE customer SET sensitive_data = $2, sensitive_key_version = $3"
                    + " WHERE id = $1").executeBatch(updates).replaceWith(updates.size());
        }));
    }
}
