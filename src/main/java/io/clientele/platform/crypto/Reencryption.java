package io.clientele.platform.crypto;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import io.clientele.platform.config.ClienteleConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * After a key rotation, moves sealed values to the active key and blind indexes to the active index key in the
 * background: every store, batch after batch, until a batch finds nothing. Reads and look-ups keep working
 * throughout because old key versions stay configured (look-ups probe every configured index key).
 */
@ApplicationScoped
public class Reencryption {

    private static final Logger LOG = Logger.getLogger(Reencryption.class);

    private final Instance<EncryptedStore> stores;
    private final FieldCipher cipher;
    private final ClienteleConfig.Crypto.Reencrypt config;
    private final AtomicLong moved = new AtomicLong();

    Reencryption(Instance<EncryptedStore> stores, FieldCipher cipher, ClienteleConfig config) {
        this.stores = stores;
        this.cipher = cipher;
        this.config = config.crypto().reencrypt();
    }

    @Scheduled(every = "${clientele.crypto.reencrypt.interval:10s}", delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return runOnce().onFailure().invoke(e -> LOG.warn("re-encrypting sensitive values failed; next tick retries", e))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Re-encrypts every store until no batch moves anything; returns how many values moved. */
    public Uni<Long> runOnce() {
        List<EncryptedStore> all = new ArrayList<>();
        stores.forEach(all::add);
        // A stable order for status reports and logs.
        all.sort(java.util.Comparator.comparing(EncryptedStore::name));
        return Multi.createFrom().iterable(all).onItem().transformToUniAndConcatenate(this::drain)
                .collect().with(java.util.stream.Collectors.summingLong(Long::longValue));
    }

    private Uni<Long> drain(EncryptedStore store) {
        return store.reencryptBatch(cipher.activeVersion(), config.batchSize()).chain(n -> {
            if (n == 0) {
                return Uni.createFrom().item(0L);
            }
            moved.addAndGet(n);
            LOG.infof("re-encrypted %d %s values to key version %d (blind-index version %d)", n, store.name(),
                    cipher.activeVersion(), cipher.activeIndexVersion());
            return drain(store).map(more -> more + n);
        });
    }

    /** What {@code GET /v1/admin/crypto/status} reports. */
    public Uni<Map<String, Object>> status() {
        List<EncryptedStore> all = new ArrayList<>();
        stores.forEach(all::add);
        // A stable order for status reports and logs.
        all.sort(java.util.Comparator.comparing(EncryptedStore::name));
        return Multi.createFrom().iterable(all).onItem().transformToUniAndConcatenate(store -> store.countByKeyVersion()
                .chain(counts -> store.countByIndexVersion().map(indexes -> {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("store", store.name());
                    item.put("valuesByKeyVersion", byVersion(counts));
                    item.put("pending", pending(counts, cipher.activeVersion()));
                    if (!indexes.isEmpty()) {
                        item.put("indexedByBlindIndexVersion", byVersion(indexes));
                        item.put("pendingIndexes", pending(indexes, cipher.activeIndexVersion()));
                    }
                    return item;
                }))).collect().asList().map(items -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("activeKeyVersion", cipher.activeVersion());
                    body.put("configuredKeyVersions", List.copyOf(cipher.versions()));
                    body.put("activeBlindIndexVersion", cipher.activeIndexVersion());
                    body.put("configuredBlindIndexVersions", List.copyOf(cipher.indexVersions()));
                    body.put("reencryptionEnabled", config.enabled());
                    body.put("movedSinceStart", moved.get());
                    body.put("stores", items);
                    return body;
                });
    }

    private static Map<String, Long> byVersion(Map<Integer, Long> counts) {
        Map<String, Long> out = new LinkedHashMap<>();
        counts.forEach((version, n) -> out.put(String.valueOf(version), n));
        return out;
    }

    private static long pending(Map<Integer, Long> counts, int active) {
        return counts.entrySet().stream().filter(e -> e.getKey() != active).mapToLong(Map.Entry::getValue).sum();
    }
}
