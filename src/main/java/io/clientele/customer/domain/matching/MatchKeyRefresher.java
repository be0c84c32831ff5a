package io.clientele.customer.domain.matching;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.clientele.customer.domain.Customer;
import io.clientele.customer.domain.CustomerRepository;
import io.clientele.platform.config.ClienteleConfig;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Re-computes the match keys of rows written by an older matching algorithm (or by a bulk path
 * that left them empty), a batch at a time, without touching their version or updatedAt.
 */
@ApplicationScoped
public class MatchKeyRefresher {

    private static final Logger LOG = Logger.getLogger(MatchKeyRefresher.class);

    private final CustomerRepository customers;
    private final int batchSize;

    MatchKeyRefresher(CustomerRepository customers, ClienteleConfig config) {
        this.customers = customers;
        this.batchSize = config.duplicates().rekeyBatchSize();
    }

    @Scheduled(every = "10s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return refreshBatch().onFailure().invoke(e -> LOG.warn("re-keying customers failed", e)).onFailure()
                .recoverWithNull().replaceWithVoid();
    }

    /** Re-keys one batch; returns how many rows it changed. */
    @WithTransaction
    public Uni<Integer> refreshBatch() {
        return customers.staleMatchKeys(MatchProfile.VERSION, batchSize).chain(stale -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Customer c : stale) {
                MatchProfile p = MatchProfile.of(c.toDraft());
                chain = chain.chain(() -> customers.storeMatchKeys(c.id, p.matchName(), p.keys(), MatchProfile.VERSION));
            }
            return chain.replaceWith(stale.size());
        });
    }
}
