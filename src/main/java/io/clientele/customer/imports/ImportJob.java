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
        /** CPU time of parsing and validation, on worker threads, mostly overlapping the previous chunk's writes. */
        private final java.util.concurrent.atomic.AtomicLong prepare = new java.util.concurrent.atomic.AtomicLong();
        /** Time a chunk transaction waited for its chunk's preparation (what the pipeline did not hide). */
        long prepareWait;
        long lookup;
        long fuzzy;
        long plan;
        long write;
        long chunks;

        void addPrepare(long nanos) {
            prepare.addAndGet(nanos);
        }

        @Override
        public String toString() {
            return chunks + " chunks: parse+validate " + prepare.get() / 1_000_000 + " ms (waited for: "
                    + prepareWait / 1_000_000 + " ms), key look-up " + lookup / 1_000_000 + " ms, fuzzy " + fuzzy / 1_000_000
                    + " ms, decide " + plan / 1_000_000 + " ms, write " + write / 1_000_000 + " ms";
        }
    }

    public String tenantId() {
        return caller.tenantId();
    }
}
