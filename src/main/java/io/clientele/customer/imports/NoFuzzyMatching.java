package io.clientele.customer.imports;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/** Exact matching only, until a fuzzy matcher bean replaces this default. */
@DefaultBean
@ApplicationScoped
public class NoFuzzyMatching implements FuzzyImportMatcher {

    @Override
    public Uni<Map<Integer, UUID>> match(SqlConnection connection, String tenantId, List<Candidate> unmatched) {
        return Uni.createFrom().item(Map.of());
    }
}
