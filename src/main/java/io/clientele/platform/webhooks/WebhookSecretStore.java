package io.clientele.platform.webhooks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.audit.Audit;
import io.clientele.platform.crypto.EncryptedStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Webhook signing secrets (current and, during a secret rotation, previous) for the re-encryption job: re-sealed
 * under the active key with the same clear secret, so receivers keep verifying signatures throughout. Changes no
 * subscription version and emits no event; each moved subscription gets a system audit entry.
 */
@ApplicationScoped
public class WebhookSecretStore implements EncryptedStore {

    // The key version sits in bytes 2..5 of the sealed value (FieldCipher layout) behind the "gcm:" prefix.
    private static final String VERSION_OF = "('x' || encode(substring(decode(substr(%s, 5), 'base64') FROM 2 FOR 4),"
            + " 'hex'))::bit(32)::int";
    private static final String SECRET_VERSION = VERSION_OF.formatted("secret");
    private static final String PREVIOUS_VERSION = VERSION_OF.formatted("previous_secret");

    private final Pool pool;
    private final WebhookSecrets secrets;
    private final Audit audit;

    WebhookSecretStore(Pool pool, WebhookSecrets secrets, Audit audit) {
        this.pool = pool;
        this.secrets = secrets;
        this.audit = audit;
    }

    @Override
    public String name() {
        return "webhook-secret";
    }

    @Override
    public Uni<Map<Integer, Long>> countByKeyVersion() {
        return pool.query("SELECT v, count(*) FROM (SELECT " + SECRET_VERSION + " AS v FROM webhook_subscription"
                + " UNION ALL SELECT " + PREVIOUS_VERSION + " FROM webhook_subscription"
                + " WHERE previous_secret IS NOT NULL) s GROUP BY 1 ORDER BY 1").execute().map(rows -> {
                    Map<Integer, Long> counts = new TreeMap<>();
                    for (Row row : rows) {
                        counts.put(row.getInteger(0), row.getLong(1));
                    }
                    return counts;
                });
    }

    @Override
    public Uni<Integer> reencryptBatch(int activeVersion, int limit) {
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT id, tenant_id, secret, previous_secret"
                + " FROM webhook_subscription WHERE " + SECRET_VERSION + " <> $1 OR (previous_secret IS NOT NULL AND "
                + PREVIOUS_VERSION + " <> $1) LIMIT $2 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(activeVersion, limit)).chain(rows -> {
                    List<Tuple> updates = new ArrayList<>();
                    List<Audit.SystemChange> changes = new ArrayList<>();
                    for (Row row : rows) {
                        UUID id = row.getUUID("id");
                        String secret = reseal(row.getString("secret"), id, activeVersion);
                        String previous = row.getString("previous_secret") == null ? null
                                : reseal(row.getString("previous_secret"), id, activeVersion);
                        updates.add(Tuple.of(id, secret, previous));
                        changes.add(new Audit.SystemChange(row.getString("tenant_id"), "system:reencryption",
                                Audit.SYSTEM + " crypto.reencrypted (key version " + activeVersion + ")",
                                "webhooks/subscriptions/" + id, null));
                    }
                    if (updates.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    return conn.preparedQuery("UPDATE webhook_subscription SET secret = $2, previous_secret = $3"
                            + " WHERE id = $1").executeBatch(updates)
                            .chain(() -> audit.inTransaction(conn, null, changes))
                            .replaceWith(updates.size());
                }));
    }

    private String reseal(String stored, UUID id, int version) {
        return WebhookSecrets.keyVersion(stored) == version ? stored
                : secrets.seal(version, secrets.open(stored, id), id);
    }
}
