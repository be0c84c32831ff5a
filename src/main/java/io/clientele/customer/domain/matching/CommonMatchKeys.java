package io.clientele.customer.domain.matching;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.clientele.platform.config.ClienteleConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Blocking keys too common to probe (more customers than {@code clientele.duplicates.block-cap}): estimated
 * from a Bernoulli sample of the customers into customer_match_common_key, read per tenant and cached for a
 * minute. An estimate that is stale only costs latency (a key that became common is still probed) or, for a
 * key that became rare again, a block left out until the next estimate.
 */
@ApplicationScoped
public class CommonMatchKeys {

    private static final Logger LOG = Logger.getLogger(CommonMatchKeys.class);
    private static final long CACHE_MILLIS = 60_000;

    private record Cached(Set<String> keys, long loadedAt) {
    }

    private final Pool pool;
    private final int cap;
    private final int sample;
    private final ConcurrentHashMap<String, Cached> byTenant = new ConcurrentHashMap<>();
    /** The customer table's modification counter at this replica's last estimate (-1: none yet). */
    private volatile long changesAtLastEstimate = -1;

    CommonMatchKeys(Pool pool, ClienteleConfig config) {
        this.pool = pool;
        this.cap = config.duplicates().blockCap();
        this.sample = config.duplicates().commonKeysSample();
    }

    /** The tenant's keys to skip when probing (from this replica's cache, at most a minute old). */
    public Uni<Set<String>> of(String tenantId) {
        Cached c = byTenant.get(tenantId);
        if (c != null && System.currentTimeMillis() - c.loadedAt() < CACHE_MILLIS) {
            return Uni.createFrom().item(c.keys());
        }
        return pool.preparedQuery("SELECT key FROM customer_match_common_key WHERE tenant_id = $1")
                .execute(Tuple.of(tenantId)).map(rows -> {
                    Set<String> keys = new HashSet<>();
                    for (Row r : rows) {
                        keys.add(r.getString(0));
                    }
                    Set<String> frozen = Set.copyOf(keys);
                    byTenant.put(tenantId, new Cached(frozen, System.currentTimeMillis()));
                    return frozen;
                });
    }

    /** The probe's keys without the common ones; the probe itself (scoring) keeps them all. */
    public static List<String> probeKeys(List<String> keys, Set<String> common) {
        return common.isEmpty() ? keys : keys.stream().filter(k -> !common.contains(k)).toList();
    }

    // The first check waits one interval too: the estimate survives restarts in its table.
    @Scheduled(every = "${clientele.duplicates.common-keys-refresh:5m}",
            delayed = "${clientele.duplicates.common-keys-refresh:5m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return pool.query("SELECT n_tup_ins + n_tup_upd + n_tup_del, GREATEST(n_live_tup, 1) FROM pg_stat_user_tables"
                + " WHERE relid = CAST('customer' AS regclass)").execute().chain(rows -> {
                    Row r = rows.iterator().hasNext() ? rows.iterator().next() : null;
                    long changes = r == null ? 0 : r.getLong(0);
                    long live = r == null ? 1 : r.getLong(1);
                    if (changesAtLastEstimate >= 0 && changes - changesAtLastEstimate <= live / 20) {
                        return Uni.createFrom().voidItem();
                    }
                    return estimate(cap).invoke(() -> changesAtLastEstimate = changes).replaceWithVoid();
                }).onFailure().invoke(e -> LOG.warn("estimating common match keys failed", e)).onFailure()
                .recoverWithNull().replaceWithVoid();
    }

    /**
     * Re-estimates every tenant's common keys (blocks larger than {@code cap}) from a sample of about
     * clientele.duplicates.common-keys-sample customers; returns how many keys are common now. Replicas take
     * turns (advisory lock); one that finds the lock taken does nothing.
     */
    public Uni<Integer> estimate(int cap) {
        return estimate(cap, sample);
    }

    /** As above, sampling about {@code sampleRows} customers. */
    public Uni<Integer> estimate(int cap, int sampleRows) {
        return pool.withTransaction(conn -> conn
                .query("SELECT pg_try_advisory_xact_lock(hashtext('customer_match_common_key')),"
                        + " (SELECT reltuples FROM pg_class WHERE oid = CAST('customer' AS regclass))")
                .execute().chain(rows -> {
                    Row r = rows.iterator().next();
                    if (!r.getBoolean(0)) {
                        return Uni.createFrom().item(0);
                    }
                    double rows0 = r.getDouble(1);
                    // Never analysed (reltuples -1) or small: read everything, the counts are then exact.
                    double percent = rows0 <= sampleRows ? 100 : Math.max(0.01, 100.0 * sampleRows / rows0);
                    return replace(conn, percent, cap);
                }));
    }

    private Uni<Integer> replace(SqlClient conn, double percent, int cap) {
        // Both numbers are ours (config and pg_class), written as literals: TABLESAMPLE takes a real, not a parameter
        // the client would bind as numeric.
        String p = String.format(Locale.ROOT, "%.4f", percent);
        String sampled = percent >= 100 ? "customer c" : "customer c TABLESAMPLE BERNOULLI (" + p + ")";
        // A key counts as common when its sampled count, scaled up, exceeds the cap.
        String insert = "INSERT INTO customer_match_common_key (tenant_id, key, estimated, refreshed_at)"
                + " SELECT c.tenant_id, k, round(count(*) * 100.0 / " + p + "), now() FROM " + sampled + ","
                + " unnest(c.match_keys) k WHERE c.deleted_at IS NULL GROUP BY 1, 2"
                + " HAVING count(*) * 100.0 / " + p + " > " + cap;
        return conn.query("DELETE FROM customer_match_common_key").execute()
                .chain(() -> conn.query(insert).execute())
                .map(inserted -> {
                    byTenant.clear();
                    LOG.debugf("common match keys: %d (sample %.2f%%, cap %d)", Integer.valueOf(inserted.rowCount()), Double.valueOf(percent), Integer.valueOf(cap));
                    return inserted.rowCount();
                });
    }
}
