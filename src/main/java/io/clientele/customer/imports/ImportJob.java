package io.clientele.customer.imports;

import java.util.UUID;

import io.clientele.platform.security.Caller;

/**
 * What a worker knows about the job it holds: whose it is (changes are recorded as the uploader's, with the
 * upload's request id as correlation id), its options, and the lease it holds.
 */
public record ImportJob(UUID id, Caller caller, String correlationId, ImportMapping mapping, String leaseOwner) {

    public String tenantId() {
        return caller.tenantId();
    }
}
