package io.clientele.customer.domain.matching;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.customer.domain.Customer;
import io.clientele.customer.domain.CustomerDraft;
import io.clientele.customer.domain.CustomerRepository;
import io.clientele.customer.domain.CustomerService;
import io.clientele.customer.domain.PostalAddress;
import org.hibernate.exception.ConstraintViolationException;

import io.clientele.platform.audit.Audit;
import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;
import io.clientele.platform.http.ETags.Precondition;
import io.clientele.platform.persistence.TenantRecord;
import io.clientele.platform.security.Caller;
import io.clientele.platform.security.Visibility;
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
    private final ObjectMapper json;
    private final Visibility visibility;
    private final Audit audit;
    private final CommonMatchKeys commonKeys;

    private static final TypeReference<List<PostalAddress>> ADDRESSES = new TypeReference<>() {
    };

    Duplicates(CustomerRepository customers, ClienteleConfig config, ObjectMapper json, Visibility visibility,
            Audit audit, CommonMatchKeys commonKeys) {
        this.audit = audit;
        this.commonKeys = commonKeys;
        this.visibility = visibility;
        this.customers = customers;
        this.json = json;
        this.defaults = config.duplicates();
    }

    /** Dry run: who {@code draft} would duplicate, scored at or above {@code minScore} (the tenant's possible threshold by default). */
    @WithSession
    public Uni<MatchResult> match(Caller caller, CustomerDraft draft, UUID except, Double minScore, int limit) {
        // Candidates the caller may not see are left out, as if they did not exist.
        return visibility.scope(caller, CustomerService.RESOURCE).chain(scope -> settings(caller.tenantId())
                .chain(s -> candidates(caller.tenantId(), MatchProfile.of(draft), except,
                        minScore == null ? s.possibleThreshold : minScore, limit)
                        .map(found -> new MatchResult(found.stream()
                                .filter(m -> scope.permits(m.customer().ownerId)).toList(), s))));
    }

    /** Scored candidates, best first; must run inside a session. */
    public Uni<List<MatchCandidate>> candidates(String tenantId, MatchProfile probe, UUID except, double minScore,
            int limit) {
        if (probe.keys().isEmpty() && probe.emails().isEmpty() && probe.phones().isEmpty()
                && probe.externalId() == null) {
            return Uni.createFrom().item(List.of());
        }
        // Blocks larger than clientele.duplicates.block-cap are not read (CommonMatchKeys).
        return commonKeys.of(tenantId).chain(common -> customers.matchCandidates(tenantId, probe,
                CommonMatchKeys.probeKeys(probe.keys(), common), except, CANDIDATE_POOL)).chain(rows -> {
            // Score from the stored match columns; load only the candidates that are returned.
            List<Scored> scored = new ArrayList<>();
            for (Object[] row : rows) {
                MatchProfile stored = MatchProfile.stored(probe.kind(), (String) row[2], split(row[3]),
                        new LinkedHashSet<>(split(row[4])), new LinkedHashSet<>(split(row[5])), (String) row[6],
                        row[7] == null ? null : UUID.fromString((String) row[7]), addresses((String) row[8]));
                MatchScore s = MatchScorer.score(probe, stored, ((Number) row[1]).doubleValue());
                if (s.score() >= minScore) {
                    scored.add(new Scored(UUID.fromString((String) row[0]), s, ((Number) row[1]).doubleValue()));
                }
            }
            // Equal scores (namesakes) rank by spelling closeness, then stably by id.
            scored.sort(Comparator.comparingDouble((Scored m) -> -m.score().score())
                    .thenComparingDouble(m -> -m.trigram()).thenComparing(Scored::id));
            List<Scored> top = scored.size() > limit ? scored.subList(0, limit) : scored;
            if (top.isEmpty()) {
                return Uni.createFrom().item(List.<MatchCandidate>of());
            }
            return customers.findActive(tenantId, top.stream().map(Scored::id).toList()).map(found -> {
                Map<UUID, Customer> byId = new HashMap<>();
                found.forEach(c -> byId.put(c.id, c));
                return top.stream().filter(m -> byId.containsKey(m.id()))
                        .map(m -> new MatchCandidate(byId.get(m.id()), m.score())).toList();
            });
        });
    }

    private record Scored(UUID id, MatchScore score, double trigram) {
    }

    private static List<String> split(Object joined) {
        String s = (String) joined;
        return s == null || s.isEmpty() ? List.of() : List.of(s.split("\u001f"));
    }

    private List<PostalAddress> addresses(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return this.json.readValue(json, ADDRESSES);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored addresses are not valid JSON", e);
        }
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
            // No event for settings: the audit entry is recorded here, in the same transaction (ADR 0023).
            return saved.call(() -> io.quarkus.hibernate.reactive.panache.Panache.flush())
                    .call(() -> audit.inTransaction(caller, new Audit.SystemChange(caller.tenantId(),
                            caller.subject(), "settings.duplicates_changed", "settings/duplicates", null)));
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
