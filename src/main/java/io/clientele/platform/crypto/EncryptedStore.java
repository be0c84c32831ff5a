package io.clientele.platform.crypto;

import java.util.Map;

import io.smallrye.mutiny.Uni;

/**
 * A table holding values sealed by {@link FieldCipher}. The re-encryption job moves its values to the active
 * key version a batch at a time; the status endpoint reports how many remain under each version.
 */
public interface EncryptedStore {

    /** Short name in status reports and logs, e.g. {@code customer}. */
    String name();

    /** Rows holding a sealed value, by the key version they are sealed with. */
    Uni<Map<Integer, Long>> countByKeyVersion();

    /**
     * Rows holding blind indexes, by the index-key version they were computed with; empty for stores without
     * blind indexes. The re-encryption job recomputes them under the active index key along with re-sealing.
     */
    default Uni<Map<Integer, Long>> countByIndexVersion() {
        return Uni.createFrom().item(Map.of());
    }

    /**
     * Re-seals (and re-indexes) up to {@code limit} rows not yet under {@code activeVersion} (or the active
     * blind-index key), in one transaction that skips rows
     * other transactions hold; returns how many it moved (0: nothing left, or everything left is locked).
     */
    Uni<Integer> reencryptBatch(int activeVersion, int limit);
}
