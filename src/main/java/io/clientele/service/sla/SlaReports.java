package io.clientele.service.sla;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.security.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/** The share of SLA targets met per policy or team and calendar period, from the decided results. */
@ApplicationScoped
public class SlaReports {

    /** One row: a group, a metric, a period, how many targets were decided and how many met. */
    public record Row(String key, String name, String metric, String periodStart, long decided, long met) {
    }

    @WithSession
    public Uni<List<Row>> report(Caller caller, String groupBy, String period, ZoneId zone, Instant from, Instant to,
            String metric) {
        String key = switch (groupBy) {
            case "policy" -> "CAST(policy_id AS text), min(policy_name)";
            case "team" -> "CAST(team_id AS text), CAST(NULL AS text)";
            default -> "CAST(NULL AS text), CAST(NULL AS text)";
        };
        // groupBy and period come from fixed lists checked by the resource; values are bound.
        String sql = "SELECT " + key + ", metric, CAST(date_trunc('" + period + "', decided_at AT TIME ZONE :zone) AS date),"
                + " count(*), count(*) FILTER (WHERE met)"
                + " FROM ticket_sla_result WHERE tenant_id = :tenant AND decided_at >= :from AND decided_at < :to"
                + " AND (CAST(:metric AS text) IS NULL OR metric = :metric)"
                + " GROUP BY " + ("none".equals(groupBy) ? "" : "1, ") + "metric, 4 ORDER BY 4, 1 NULLS FIRST, metric";
        return Panache.getSession().chain(session -> session.createNativeQuery(sql, Object[].class)
                .setParameter("zone", zone.getId()).setParameter("tenant", caller.tenantId())
                .setParameter("from", from).setParameter("to", to).setParameter("metric", metric).getResultList())
                .map(rows -> {
                    List<Row> out = new ArrayList<>();
                    for (Object[] r : rows) {
                        out.add(new Row((String) r[0], (String) r[1], (String) r[2], String.valueOf(r[3]),
                                ((Number) r[4]).longValue(), ((Number) r[5]).longValue()));
                    }
                    return out;
                });
    }
}
