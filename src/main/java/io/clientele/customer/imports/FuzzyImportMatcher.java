package io.clientele.customer.imports;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.customer.domain.PostalAddress;
import io.clientele.customer.domain.matching.CommonMatchKeys;
import io.clientele.customer.domain.matching.MatchProfile;
import io.clientele.customer.domain.matching.MatchScore;
import io.clientele.customer.domain.matching.MatchScorer;
import io.clientele.platform.config.ClienteleConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Fuzzy duplicate detection for an import chunk (options {@code fuzzy: flag | skip}): the create endpoint's
 * judgement (the stored blocking keys, pg_trgm similarity of the match names, {@link MatchScorer}, the tenant's
 * likely threshold), asked for the whole chunk in one statement on the chunk's connection instead of once per
 * row. It sees the customers committed before the chunk; rows of the same chunk meet each other only through
 * exact natural keys.
 */
@ApplicationScoped
public class FuzzyImportMatcher {

    /** Namesakes scored per row, most similar names first; a block of common names only adds weaker ones. */
    static final int POOL = 10;

    /** A row to check: its number in the file and its profile as a new customer. */
    public record Candidate(int row, MatchProfile profile) {
    }

    /** The existing customer a row most likely duplicates, with the score and its reasons. */
    public record Hit(UUID customerId, MatchScore score) {
    }

    private static final TypeReference<List<PostalAddress>> ADDRESSES = new TypeReference<>() {
    };

    private final ObjectMapper json;
    private final CommonMatchKeys commonKeys;
    private final double defaultLikely;

    FuzzyImportMatcher(ObjectMapper json, ClienteleConfig config, CommonMatchKeys commonKeys) {
        this.json = json;
        this.commonKeys = commonKeys;
        this.defaultLikely = config.duplicates().likelyThreshold();
    }

    /** Per row number, the best existing customer scoring at or above the tenant's likely threshold. */
    public Uni<Map<Integer, Hit>> match(SqlConnection conn, String tenantId, List<Candidate> rows) {
        // Blocks larger than clientele.duplicates.block-cap are skipped as in the create endpoint's matcher.
        return commonKeys.of(tenantId).chain(common -> match(conn, tenantId, rows, common));
    }

    private Uni<Map<Integer, Hit>> match(SqlConnection conn, String tenantId, List<Candidate> rows,
            Set<String> common) {
        List<String[]> probeKeys = new ArrayList<>();
        List<Candidate> probes = new ArrayList<>();
        for (Candidate c : rows) {
            List<String> keys = CommonMatchKeys.probeKeys(List.copyOf(c.profile().keys()), common);
            if (!keys.isEmpty()) {
                probes.add(c);
                probeKeys.add(keys.toArray(String[]::new));
            }
        }
        if (probes.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        int n = probes.size();
        Integer[] numbers = new Integer[n];
        String[] kinds = new String[n], names = new String[n], keys = new String[n];
        Map<Integer, MatchProfile> byRow = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Candidate c = probes.get(i);
            numbers[i] = c.row();
            kinds[i] = c.profile().kind().apiName();
            names[i] = c.profile().matchName();
            keys[i] = String.join("\u001f", probeKeys.get(i));
            byRow.put(c.row(), c.profile());
        }
        return conn.preparedQuery("SELECT likely_threshold FROM duplicate_settings WHERE tenant_id = $1")
                .execute(Tuple.of(tenantId))
                .map(s -> s.size() == 0 ? defaultLikely : s.iterator().next().getDouble(0))
                .chain(likely -> conn.preparedQuery("""
                        SELECT p.n, m.id, m.sim, m.match_name, array_to_string(m.match_keys, chr(31)) AS mk,
                               array_to_string(m.email_keys, chr(31)) AS ek, array_to_string(m.phone_keys, chr(31)) AS pk,
                               m.external_id, m.company_id, CAST(m.contacts -> 'addresses' AS text) AS addresses
                          FROM unnest($2::int4[], $3::text[], $4::text[], $5::text[]) AS p(n, kind, name, keys)
                          CROSS JOIN LATERAL (
                               SELECT c.id, similarity(c.match_name, p.name) AS sim, c.match_name, c.match_keys,
                                      c.email_keys, c.phone_keys, c.external_id, c.company_id, c.contacts
                                 FROM customer c
                                WHERE c.tenant_id = $1 AND c.deleted_at IS NULL AND c.kind = p.kind
                                  AND c.match_keys && string_to_array(p.keys, chr(31))
                                ORDER BY 2 DESC, c.id LIMIT $6) m
                        """).execute(Tuple.from(new Object[] { tenantId, numbers, kinds, names, keys, POOL }))
                        .map(found -> best(found, byRow, likely)));
    }

    private Map<Integer, Hit> best(Iterable<Row> found, Map<Integer, MatchProfile> byRow, double likely) {
        Map<Integer, Hit> out = new HashMap<>();
        for (Row r : found) {
            int row = r.getInteger("n");
            MatchProfile probe = byRow.get(row);
            MatchProfile stored = MatchProfile.stored(probe.kind(), r.getString("match_name"), split(r.getString("mk")),
                    new LinkedHashSet<>(split(r.getString("ek"))), new LinkedHashSet<>(split(r.getString("pk"))),
                    r.getString("external_id"), r.getUUID("company_id"), addresses(r.getString("addresses")));
            MatchScore score = MatchScorer.score(probe, stored, r.getDouble("sim"));
            Hit current = out.get(row);
            if (score.score() >= likely && (current == null || score.score() > current.score().score())) {
                out.put(row, new Hit(r.getUUID("id"), score));
            }
        }
        return out;
    }

    private static List<String> split(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : List.of(joined.split("\u001f"));
    }

    private List<PostalAddress> addresses(String text) {
        if (text == null) {
            return List.of();
        }
        try {
            return json.readValue(text, ADDRESSES);
        } catch (IOException e) {
            throw new IllegalStateException("stored addresses are not valid JSON", e);
        }
    }
}
