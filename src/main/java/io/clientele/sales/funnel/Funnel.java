package io.clientele.sales.funnel;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.persistence.PositionalSql;
import io.clientele.platform.query.SqlFragment;
import io.clientele.sales.domain.Money;
import io.clientele.sales.domain.Pipeline;
import io.clientele.sales.domain.Stage;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Funnel analytics of one pipeline: two aggregate queries run side by side on the reactive pool (one
 * over the opportunities, one over their stage stays), the rest is arithmetic over a few hundred rows.
 */
@ApplicationScoped
public class Funnel {

    private final Pool pool;

    Funnel(Pool pool) {
        this.pool = pool;
    }

    /** Which opportunities: created in [from, to) (either may be null), plus the caller's filters and scope. */
    public record Selection(String tenantId, Pipeline pipeline, Instant from, Instant to, String ownerId,
            Set<String> owners, String tag, SqlFragment scope) {
    }

    public Uni<Map<String, Object>> compute(Selection s) {
        Map<String, Object> params = new LinkedHashMap<>();
        String byStage = byStage(s, params);
        Map<String, Object> stayParams = new LinkedHashMap<>();
        String stays = s.tag() != null
                // The summary has no tags: a tag-filtered funnel averages the stays themselves.
                ? "SELECT sp.stage_id, avg(extract(epoch FROM sp.exited_at - sp.entered_at))"
                        + " FROM opportunity_stage_period sp JOIN opportunity o ON o.id = sp.opportunity_id"
                        + " WHERE sp.tenant_id = :tenant AND sp.pipeline_id = :pipeline AND sp.exited_at IS NOT NULL"
                        + " AND " + where(s, s.from(), s.to(), stayParams, "") + " GROUP BY 1"
                : stays(s, stayParams);
        return Uni.combine().all().unis(run(byStage, params), run(stays, stayParams)).asTuple()
                .map(t -> assemble(s, t.getItem1(), t.getItem2()));
    }

    /**
     * Rows (stage, currency, status, path, count, amount) of the selection. Without a tag filter the whole
     * UTC months of the period come from opportunity_funnel_cell (ADR 0022) and only the partial months at
     * its edges from the opportunities; a tag filter, or a period inside one month, reads the opportunities.
     */
    static String byStage(Selection s, Map<String, Object> params) {
        String rows = "SELECT o.stage_id, o.currency, o.status, o.stage_path, 1 AS n, o.amount FROM opportunity o WHERE ";
        Instant fullFrom = s.from() == null ? null : monthCeiling(s.from());
        Instant fullTo = s.to() == null ? null : monthFloor(s.to());
        if (s.tag() != null || fullFrom != null && fullTo != null && !fullFrom.isBefore(fullTo)) {
            return "SELECT o.stage_id, o.currency, o.status, o.stage_path, count(*), sum(o.amount) FROM opportunity o"
                    + " WHERE " + where(s, s.from(), s.to(), params, "") + " GROUP BY 1, 2, 3, 4";
        }
        List<String> parts = new ArrayList<>();
        parts.add("SELECT c.stage_id, c.currency, c.status, c.stage_path, c.opportunities AS n, c.amount"
                + " FROM opportunity_funnel_cell c WHERE " + cellWhere(s, fullFrom, fullTo, params));
        if (s.from() != null && s.from().isBefore(fullFrom)) {
            parts.add(rows + where(s, s.from(), fullFrom, params, "head_"));
        }
        if (s.to() != null && fullTo.isBefore(s.to())) {
            parts.add(rows + where(s, fullTo, s.to(), params, "tail_"));
        }
        return "SELECT stage_id, currency, status, stage_path, CAST(sum(n) AS bigint), sum(amount) FROM ("
                + String.join(" UNION ALL ", parts) + ") x GROUP BY 1, 2, 3, 4 HAVING sum(n) > 0";
    }

    private static Instant monthFloor(Instant t) {
        return t.atOffset(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    private static Instant monthCeiling(Instant t) {
        Instant floor = monthFloor(t);
        return floor.equals(t) ? t : floor.atOffset(ZoneOffset.UTC).plusMonths(1).toInstant();
    }

    private Uni<RowSet<Row>> run(String sql, Map<String, Object> params) {
        PositionalSql p = PositionalSql.of(sql, params);
        return pool.preparedQuery(p.sql()).execute(Tuple.from(p.values()));
    }

    /** Opportunities of the selection created in [from, to); {@code prefix} keeps the period's parameter names apart. */
    private static String where(Selection s, Instant from, Instant to, Map<String, Object> params, String prefix) {
        StringBuilder w = new StringBuilder("o.tenant_id = :tenant AND o.pipeline_id = :pipeline AND o.deleted_at IS NULL");
        params.put("tenant", s.tenantId());
        params.put("pipeline", s.pipeline().id);
        if (from != null) {
            w.append(" AND o.created_at >= :").append(prefix).append("from");
            params.put(prefix + "from", from.atOffset(ZoneOffset.UTC));
        }
        if (to != null) {
            w.append(" AND o.created_at < :").append(prefix).append("to");
            params.put(prefix + "to", to.atOffset(ZoneOffset.UTC));
        }
        owners(s, params, w, "o.");
        if (s.tag() != null) {
            w.append(" AND o.tags @> ARRAY[CAST(:tag AS text)]");
            params.put("tag", s.tag());
        }
        return w.toString();
    }

    /** The owner filters and the caller's scope (compiled for o.owner_id) on the owner column of {@code alias}. */
    private static void owners(Selection s, Map<String, Object> params, StringBuilder w, String alias) {
        if (s.ownerId() != null) {
            w.append(" AND ").append(alias).append("owner_id = :owner");
            params.put("owner", s.ownerId());
        }
        if (s.owners() != null) {
            w.append(" AND ").append(alias).append("owner_id = ANY (:owners)");
            params.put("owners", s.owners().toArray(String[]::new));
        }
        if (!s.scope().isTrue()) {
            w.append(" AND (").append(s.scope().sql().replace("o.owner_id", alias + "owner_id")).append(")");
            params.putAll(s.scope().params());
        }
    }

    /** The whole months [fullFrom, fullTo) of the selection (either may be null: unbounded) on the summary. */
    private static String cellWhere(Selection s, Instant fullFrom, Instant fullTo, Map<String, Object> params) {
        StringBuilder w = new StringBuilder("c.tenant_id = :tenant AND c.pipeline_id = :pipeline");
        params.put("tenant", s.tenantId());
        params.put("pipeline", s.pipeline().id);
        if (fullFrom != null) {
            w.append(" AND c.created_month >= :month_from");
            params.put("month_from", fullFrom.atOffset(ZoneOffset.UTC).toLocalDate());
        }
        if (fullTo != null) {
            w.append(" AND c.created_month < :month_to");
            params.put("month_to", fullTo.atOffset(ZoneOffset.UTC).toLocalDate());
        }
        owners(s, params, w, "c.");
        return w.toString();
    }

    /**
     * Average completed stay per stage from the stay summaries: creation days covering [from, to), owner at
     * the stay's end. Whole UTC months come from stage_stay_month_stat, the days of partial months from
     * stage_stay_stat.
     */
    static String stays(Selection s, Map<String, Object> params) {
        LocalDate dayFrom = s.from() == null ? null : s.from().atOffset(ZoneOffset.UTC).toLocalDate();
        LocalDate dayTo = null;
        if (s.to() != null) {
            var end = s.to().atOffset(ZoneOffset.UTC);
            dayTo = end.toLocalTime().equals(LocalTime.MIDNIGHT) ? end.toLocalDate() : end.toLocalDate().plusDays(1);
        }
        LocalDate monthFrom = dayFrom == null ? null
                : dayFrom.getDayOfMonth() == 1 ? dayFrom : dayFrom.withDayOfMonth(1).plusMonths(1);
        LocalDate monthTo = dayTo == null ? null : dayTo.withDayOfMonth(1);
        List<String> parts = new ArrayList<>();
        if (monthFrom != null && monthTo != null && !monthFrom.isBefore(monthTo)) {
            parts.add(stayDays(s, dayFrom, dayTo, params, ""));
        } else {
            StringBuilder w = new StringBuilder("SELECT st.stage_id, st.stays, st.seconds FROM stage_stay_month_stat st"
                    + " WHERE st.tenant_id = :tenant AND st.pipeline_id = :pipeline");
            if (monthFrom != null) {
                w.append(" AND st.created_month >= :month_from");
                params.put("month_from", monthFrom);
            }
            if (monthTo != null) {
                w.append(" AND st.created_month < :month_to");
                params.put("month_to", monthTo);
            }
            owners(s, params, w, "st.");
            parts.add(w.toString());
            if (dayFrom != null && dayFrom.isBefore(monthFrom)) {
                parts.add(stayDays(s, dayFrom, monthFrom, params, "head_"));
            }
            if (dayTo != null && monthTo.isBefore(dayTo)) {
                parts.add(stayDays(s, monthTo, dayTo, params, "tail_"));
            }
        }
        params.put("tenant", s.tenantId());
        params.put("pipeline", s.pipeline().id);
        return "SELECT stage_id, sum(seconds) / NULLIF(sum(stays), 0) FROM (" + String.join(" UNION ALL ", parts)
                + ") x GROUP BY 1";
    }

    private static String stayDays(Selection s, LocalDate from, LocalDate to, Map<String, Object> params,
            String prefix) {
        StringBuilder w = new StringBuilder("SELECT st.stage_id, st.stays, st.seconds FROM stage_stay_stat st"
                + " WHERE st.tenant_id = :tenant AND st.pipeline_id = :pipeline");
        if (from != null) {
            w.append(" AND st.created_day >= :").append(prefix).append("from");
            params.put(prefix + "from", from);
        }
        if (to != null) {
            w.append(" AND st.created_day < :").append(prefix).append("to");
            params.put(prefix + "to", to);
        }
        owners(s, params, w, "st.");
        return w.toString();
    }

    private static Map<String, Object> assemble(Selection s, RowSet<Row> byStage, RowSet<Row> stays) {
        List<Stage> stages = s.pipeline().stages();
        Map<UUID, Integer> position = new HashMap<>();
        for (int i = 0; i < stages.size(); i++) {
            position.put(stages.get(i).id(), i);
        }
        long[] count = new long[stages.size()];
        long[] reachedExactly = new long[stages.size() + 1];
        List<Map<String, BigDecimal[]>> money = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            money.add(new TreeMap<>());
        }
        long total = 0;
        long won = 0;
        long lost = 0;
        for (Row r : byStage) {
            long n = r.getLong(4);
            total += n;
            String status = r.getString(2);
            won += "won".equals(status) ? n : 0;
            lost += "lost".equals(status) ? n : 0;
            // Furthest stage reached, ignoring lost stages: losing does not advance a deal.
            int furthest = -1;
            for (UUID id : r.getArrayOfUUIDs(3)) {
                Integer p = position.get(id);
                if (p != null && !stages.get(p).lost()) {
                    furthest = Math.max(furthest, p);
                }
            }
            if (furthest >= 0) {
                reachedExactly[furthest] += n;
            }
            Integer at = position.get(r.getUUID(0));
            if (at == null) {
                continue;
            }
            count[at] += n;
            BigDecimal amount = r.getBigDecimal(5);
            BigDecimal weighted = amount.multiply(stages.get(at).probability());
            money.get(at).merge(r.getString(1), new BigDecimal[] { amount, weighted },
                    (x, y) -> new BigDecimal[] { x[0].add(y[0]), x[1].add(y[1]) });
        }
        Map<UUID, Double> averages = new HashMap<>();
        for (Row r : stays) {
            averages.put(r.getUUID(0), r.getValue(1) == null ? null : ((Number) r.getValue(1)).doubleValue());
        }
        // reached[i]: deals whose furthest non-lost stage is at i or later.
        long[] reached = new long[stages.size()];
        long running = 0;
        for (int i = stages.size() - 1; i >= 0; i--) {
            running += stages.get(i).lost() ? 0 : reachedExactly[i];
            reached[i] = stages.get(i).lost() ? 0 : running;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            Stage st = stages.get(i);
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("stageId", st.id().toString());
            v.put("name", st.name());
            v.put("probability", st.probability());
            v.put("won", st.won());
            v.put("lost", st.lost());
            v.put("count", count[i]);
            List<Map<String, Object>> amounts = new ArrayList<>();
            money.get(i).forEach((currency, sums) -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("currency", currency);
                m.put("amount", Money.format(sums[0].setScale(scale(currency), RoundingMode.HALF_EVEN), currency));
                m.put("weightedAmount", Money.format(sums[1].setScale(scale(currency), RoundingMode.HALF_EVEN),
                        currency));
                amounts.add(m);
            });
            v.put("amounts", amounts);
            if (st.lost()) {
                // In a lost stage "reached" is simply the deals lost there.
                v.put("reached", count[i]);
                v.put("conversionRate", null);
            } else {
                v.put("reached", reached[i]);
                int next = nextAdvancing(stages, i);
                v.put("conversionRate", next < 0 || reached[i] == 0 ? null : ratio(reached[next], reached[i]));
            }
            v.put("averageSecondsInStage", averages.get(st.id()));
            out.add(v);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("pipelineId", s.pipeline().id.toString());
        body.put("from", s.from() == null ? null : s.from().toString());
        body.put("to", s.to() == null ? null : s.to().toString());
        body.put("total", total);
        body.put("won", won);
        body.put("lost", lost);
        body.put("winRate", won + lost == 0 ? null : ratio(won, won + lost));
        body.put("stages", out);
        return body;
    }

    private static int scale(String currency) {
        Integer digits = Money.fractionDigits(currency);
        return digits == null ? 2 : digits;
    }

    private static int nextAdvancing(List<Stage> stages, int i) {
        for (int j = i + 1; j < stages.size(); j++) {
            if (!stages.get(j).lost()) {
                return j;
            }
        }
        return -1;
    }

    private static double ratio(long a, long b) {
        return Math.round(a * 10000.0 / b) / 10000.0;
    }
}
