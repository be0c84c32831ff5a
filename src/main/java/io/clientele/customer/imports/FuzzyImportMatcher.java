package io.clientele.customer.imports;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.clientele.customer.domain.CustomerDraft;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * The seam for fuzzy duplicate detection during imports (names, company, address; being built separately
 * with pg_trgm). Called once per chunk (unless the policy is create), inside the chunk's transaction, with the
 * rows that are valid as new customers; it returns, per row number, the id of the existing customer the row
 * duplicates. Those customers are loaded too, and a row without an exact natural-key match (exact keys win)
 * is then treated exactly like a matched row (skipped or merged).
 * The default implementation ({@link NoFuzzyMatching}) finds nothing: imports match on exact keys only.
 */
public interface FuzzyImportMatcher {

    record Candidate(int row, CustomerDraft draft) {
    }

    Uni<Map<Integer, UUID>> match(SqlConnection connection, String tenantId, List<Candidate> unmatched);
}
