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
 * After a key rotation, moves sealed values to the active key in the background: every store, batch after
 * batch, until a batch finds nothing. Reads keep working throughout because old key versions stay configured.
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
        return Multi.createFrom().iterable(all).onItem().transformToUniAndConcatenate(this::drain)
                .collect().with(java.util.stream.Collectors.summingLong(Long::longValue));
    }

    private Uni<Long> drain(EncryptedStore store) {
        return store.reencryptBatch(cipher.activeVersion(), config.batchSize()).chain(n -> {
            if (n == 0) {
                return Uni.createFrom().item(0L);
            }
            moved.addAndGet(n);
            LOG.infof("re-encrypted %d %s values to key version %d", n, store.name(), cipher.activeVersion());
            return drain(store).map(more -> more + n);
        });
    }

    /** What {@code GET /v1/admin/crypto/status} reports. */
    public Uni<Map<String, Object>> status() {
        List<EncryptedStore> all = new ArrayList<>();
        stores.forEach(all::add);
        return Multi.createFrom().iterable(all).onItem().transformToUniAndConcatenate(store -> store.countByKeyVersion()
                .map(counts -> {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("store", store.name());
                    Map<String, Long> byVersion = new LinkedHashMap<>();
                    long pending = 0;
                    for (var e : counts.entrySet()) {
                        byVersion.put(String.valueOf(e.getKey()), e.getValue());
                        pending += e.getKey() == cipher.activeVersion() ? 0 : e.getValue();
                    }
                    item.put("valuesByKeyVersion", byVersion);
                    item.put("pending", pending);
                    return item;
                })).collect().asList().map(items -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("activeKeyVersion", cipher.activeVersion());
                    body.put("configuredKeyVersions", List.copyOf(cipher.versions()));
                    body.put("reencryptionEnabled", config.enabled());
                    body.put("movedSinceStart", moved.get());
                    body.put("stores", items);
                    return body;
                });
    }
}
