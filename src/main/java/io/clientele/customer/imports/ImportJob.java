package io.clientele.customer.imports;

import java.util.UUID;

import io.clientele.platform.security.Caller;

/**
 * What a worker knows about the job it holds: whose it is (changes are recorded as the uploader's, with the
 * upload's request id as correlation id), its options, and the lease it holds.
 */
public record ImportJob(UUID id, Caller caller, String correlationId, ImportMapping mapping, String leaseOwner,
        Timings timings) {

    public ImportJob(UUID id, Caller caller, String correlationId, ImportMapping mapping, String leaseOwner) {
        this(id, caller, correlationId, mapping, leaseOwner, new Timings());
    }

    /** Where this worker's time went, logged when the job ends (the first thing to read when imports are slow). */
    public static final class Timings {
        long prepare;
        long lookup;
        long plan;
        long write;
        long chunks;

        @Override
        public String toString() {
            return chunks + " chunks: parse+validate " + prepare / 1_000_000 + " ms, key look-up " + lookup / 1_000_000
                    + " ms, decide " + plan / 1_000_000 + " ms, write " + write / 1_000_000 + " ms";
        }
    }

    public String tenantId() {
        return caller.tenantId();
    }
}
