package io.clientele.service.survey.api;

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
import io.clientele.service.survey.SurveyService;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;

/** The CSAT report: {@code /v1/reports/csat}. */
@Path("/v1/reports/csat")
@Produces(MediaType.APPLICATION_JSON)
public class CsatReportResource {

    static final Set<String> GROUPS = Set.of("agent", "team", "none");

    private final SurveyService surveys;
    private final CallerContext callers;

    CsatReportResource(SurveyService surveys, CallerContext callers) {
        this.surveys = surveys;
        this.callers = callers;
    }

    /** CSAT (share of 4 and 5 ratings) and average rating per agent or team and calendar period. */
    @GET
    @PermissionsAllowed("surveys:read")
    public Uni<Response> report(@QueryParam("groupBy") String groupBy, @QueryParam("period") String period,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("timeZone") String timeZone) {
        String group = groupBy == null ? "none" : groupBy;
        String unit = period == null ? "month" : period;
        if (!GROUPS.contains(group)) {
            throw ProblemException.invalidParameter("groupBy: must be agent, team or none");
        }
        if (!ReportPeriods.UNITS.contains(unit)) {
            throw ProblemException.invalidParameter("period: must be day, week or month");
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
        return callers.current().chain(caller -> surveys.report(caller, group, unit, z, start, end)).map(rows -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("groupBy", group);
            body.put("period", unit);
            body.put("timeZone", z.getId());
            body.put("from", first.toString());
            body.put("to", last.toString());
            body.put("items", rows.stream().map(r -> {
                Map<String, Object> item = new LinkedHashMap<>();
                if (!"none".equals(group)) {
                    item.put(group + "Id", r.key());
                }
                item.put("periodStart", r.periodStart());
                item.put("responses", r.responses());
                item.put("satisfied", r.satisfied());
                item.put("csat", Math.round(1000.0 * r.satisfied() / r.responses()) / 10.0);
                item.put("averageRating", Math.round(r.averageRating() * 100) / 100.0);
                return item;
            }).toList());
            return Response.ok(body).build();
        });
    }

}
