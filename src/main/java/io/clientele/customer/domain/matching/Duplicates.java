package io.clientele.customer.domain.matching;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.customer.domain.Customer;
import io.clientele.customer.domain.CustomerDraft;
import io.clientele.customer.domain.CustomerRepository;
import org.hibernate.exception.ConstraintViolationException;

import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;
import io.clientele.platform.http.ETags.Precondition;
import io.clientele.platform.persistence.TenantRecord;
import io.clientele.platform.security.Caller;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Duplicate detection: candidates come from one indexed probe (blocking keys, emails, phones,
 * external id), pg_trgm scores the names, {@link MatchScorer} the rest. Also owns the tenant's
 * thresholds and default policies.
 */
@ApplicationScoped
public class Duplicates {

    /**
     * Candidates scored per probe: every exact email/phone/external-id match first, then the most
     * similar names of the blocks; a larger block of namesakes only adds more "possible" ones.
     */
    static final int CANDIDATE_POOL = 60;

    private final CustomerRepository customers;
    private final ClienteleConfig.Duplicates defaults;

    Duplicates(CustomerRepository customers, ClienteleConfig config) {
        this.customers = customers;
        this.defaults = config.duplicates();
    }

    /** Dry run: who {@code draft} would duplicate, scored at or above {@code minScore} (the tenant's possible threshold by default). */
    @WithSession
    public Uni<MatchResult> match(Caller caller, CustomerDraft draft, UUID except, Double minScore, int limit) {
        return settings(caller.tenantId()).chain(s -> candidates(caller.tenantId(), MatchProfile.of(draft), except,
                minScore == null ? s.possibleThreshold : minScore, limit)
                .map(found -> new MatchResult(found, s)));
    }

    /** Scored candidates, best first; must run inside a session. */
    public Uni<List<MatchCandidate>> candidates(String tenantId, MatchProfile probe, UUID except, double minScore,
            int limit) {
        if (probe.keys().isEmpty() && probe.emails().isEmpty() && probe.phones().isEmpty()
                && probe.externalId() == null) {
            return Uni.createFrom().item(List.of());
        }
        return customers.matchCandidates(tenantId, probe, except, CANDIDATE_POOL).chain(rows -> {
            if (rows.isEmpty()) {
                return Uni.createFrom().item(List.<MatchCandidate>of());
            }
            Map<UUID, Double> trigram = new HashMap<>();
            for (Object[] row : rows) {
                trigram.put(UUID.fromString((String) row[0]), ((Number) row[1]).doubleValue());
            }
            return customers.findActive(tenantId, new ArrayList<>(trigram.keySet())).map(found -> {
                List<MatchCandidate> scored = new ArrayList<>();
                for (Customer c : found) {
                    MatchScore s = MatchScorer.score(probe, MatchProfile.of(c.toDraft()), trigram.get(c.id));
                    if (s.score() >= minScore) {
                        scored.add(new MatchCandidate(c, s));
                    }
                }
                scored.sort(Comparator.comparingDouble((MatchCandidate m) -> -m.match().score())
                        .thenComparing(m -> m.customer().createdAt));
                return scored.size() > limit ? List.copyOf(scored.subList(0, limit)) : scored;
            });
        });
    }

    /** The tenant's settings, or the configured defaults (version 0) when it has none. */
    @WithSession
    public Uni<DuplicateSettings> settings(String tenantId) {
        return DuplicateSettings.<DuplicateSettings>findById(tenantId)
                .map(found -> found != null ? found : defaults(tenantId));
    }

    @WithTransaction
    public Uni<DuplicateSettings> updateSettings(Caller caller, Precondition precondition, double possible,
            double likely, DuplicatePolicy create, DuplicatePolicy update) {
        return DuplicateSettings.<DuplicateSettings>findById(caller.tenantId()).chain(found -> {
            DuplicateSettings s = found != null ? found : defaults(caller.tenantId());
            precondition.check(s.revision());
            s.possibleThreshold = possible;
            s.likelyThreshold = likely;
            s.createPolicy = create.apiName();
            s.updatePolicy = update.apiName();
            s.updatedAt = TenantRecord.now();
            s.updatedBy = caller.subject();
            Uni<DuplicateSettings> saved = found != null ? Uni.createFrom().item(s) : s.persist();
            return saved.call(() -> io.quarkus.hibernate.reactive.panache.Panache.flush());
        }).onFailure(ConstraintViolationException.class).transform(e -> new ProblemException(
                ProblemType.PRECONDITION_FAILED, "the settings were changed by another request; read them again"));
    }

    private DuplicateSettings defaults(String tenantId) {
        DuplicateSettings s = new DuplicateSettings();
        s.tenantId = tenantId;
        s.possibleThreshold = defaults.possibleThreshold();
        s.likelyThreshold = defaults.likelyThreshold();
        s.createPolicy = defaults.createPolicy();
        s.updatePolicy = defaults.updatePolicy();
        s.version = 0;
        return s;
    }

    /** Candidates and the settings they were judged by. */
    public record MatchResult(List<MatchCandidate> candidates, DuplicateSettings settings) {
    }
}
