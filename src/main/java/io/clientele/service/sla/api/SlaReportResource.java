package io.clientele.service.sla.api;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.security.CallerContext;
import io.clientele.service.sla.SlaPolicy;
import io.clientele.service.sla.SlaReports;
import io.clientele.service.survey.api.ReportPeriods;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;

/** The SLA report: share of targets met per policy or team and period, {@code /v1/reports/sla}. */
@Path("/v1/reports/sla")
@Produces(MediaType.APPLICATION_JSON)
public class SlaReportResource {

    static final Set<String> GROUPS = Set.of("policy", "team", "none");

    private final SlaReports reports;
    private final CallerContext callers;

    SlaReportResource(SlaReports reports, CallerContext callers) {
        this.reports = reports;
        this.callers = callers;
    }

    @GET
    @PermissionsAllowed("sla:read")
    public Uni<Response> report(@QueryParam("groupBy") String groupBy, @QueryParam("period") String period,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("timeZone") String timeZone,
            @QueryParam("metric") String metric) {
        String group = groupBy == null ? "policy" : groupBy;
        String unit = period == null ? "month" : period;
        if (!GROUPS.contains(group)) {
            throw ProblemException.invalidParameter("groupBy: must be policy, team or none");
        }
        if (!ReportPeriods.UNITS.contains(unit)) {
            throw ProblemException.invalidParameter("period: must be day, week or month");
        }
        if (metric != null && !SlaPolicy.METRICS.contains(metric)) {
            throw ProblemException.invalidParameter("metric: must be firstResponse, nextResponse or resolution");
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(timeZone == null ? "UTC" : timeZone);
        } catch (DateTimeException e) {
            throw ProblemException.invalidParameter("timeZone: must be an IANA time zone such as Europe/Berlin");
        }
        LocalDate first = ReportPeriods.date("from", from);
        LocalDate last = ReportPeriods.date("to", to);
        if (last.isBefore(first) || first.plusYears(5).isBefore(last)) {
            throw ProblemException.invalidParameter("to: must be on or after from, and at most five years later");
        }
        Instant start = first.atStartOfDay(zone).toInstant();
        Instant end = last.plusDays(1).atStartOfDay(zone).toInstant();
        ZoneId z = zone;
        return callers.current().chain(caller -> reports.report(caller, group, unit, z, start, end, metric))
                .map(rows -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("groupBy", group);
                    body.put("period", unit);
                    body.put("timeZone", z.getId());
                    body.put("from", first.toString());
                    body.put("to", last.toString());
                    body.put("items", rows.stream().map(r -> {
                        Map<String, Object> item = new LinkedHashMap<>();
                        if ("policy".equals(group)) {
                            item.put("policyId", r.key());
                            item.put("policyName", r.name());
                        } else if ("team".equals(group)) {
                            item.put("teamId", r.key());
                        }
                        item.put("metric", r.metric());
                        item.put("periodStart", r.periodStart());
                        item.put("decided", r.decided());
                        item.put("met", r.met());
                        item.put("breached", r.decided() - r.met());
                        item.put("metPercent", Math.round(1000.0 * r.met() / r.decided()) / 10.0);
                        return item;
                    }).toList());
                    return Response.ok(body).build();
                });
    }
}
