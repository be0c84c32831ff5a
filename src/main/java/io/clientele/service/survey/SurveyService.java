package io.clientele.service.survey;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.errors.FieldError;
import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;
import io.clientele.platform.outbox.DomainEvent;
import io.clientele.platform.outbox.Outbox;
import io.clientele.platform.paging.PageQueries;
import io.clientele.platform.persistence.TenantRecord;
import io.clientele.platform.query.SqlFragment;
import io.clientele.platform.security.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/** CSAT surveys: created when a ticket is solved, answered through a signed public link; emits survey.* events. */
@ApplicationScoped
public class SurveyService {

    public static final String TOPIC = "clientele.surveys";
    /** Actor recorded for answers: the customer holds no token, the link is their credential. */
    static final String PUBLIC_ACTOR = "survey-link";

    private final Outbox outbox;
    private final SurveyTokens tokens;
    private final ClienteleConfig.Surveys config;

    SurveyService(Outbox outbox, ClienteleConfig config) {
        this.outbox = outbox;
        this.config = config.surveys();
        this.tokens = new SurveyTokens(this.config.signingKey());
    }

    public String link(Survey s) {
        return config.publicBaseUrl().replaceAll("/+$", "") + "/v1/public/surveys/" + tokens.issue(s.id, s.expiresAt);
    }

    /**
     * Creates the ticket's survey unless it has one; runs inside the caller's transaction (the ticket's, when
     * called on solve). Returns the new survey, or null when the ticket already had one.
     */
    public Uni<Survey> createInTransaction(Caller caller, String requestId, UUID ticketId, String agentId,
            String teamId) {
        Survey s = new Survey();
        s.id = UUID.randomUUID();
        s.tenantId = caller.tenantId();
        s.ticketId = ticketId;
        s.agentId = agentId;
        s.teamId = teamId;
        s.createdAt = TenantRecord.now();
        s.expiresAt = s.createdAt.plus(config.linkTtl()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO csat_survey (id, tenant_id, ticket_id, agent_id, team_id, created_at, expires_at)
                VALUES (:id, :tenant, :ticket, :agent, :team, :created, :expires)
                ON CONFLICT (tenant_id, ticket_id) DO NOTHING
                """).setParameter("id", s.id).setParameter("tenant", s.tenantId).setParameter("ticket", ticketId)
                .setParameter("agent", agentId).setParameter("team", teamId).setParameter("created", s.createdAt)
                .setParameter("expires", s.expiresAt).executeUpdate())
                .chain(inserted -> {
                    if (inserted == 0) {
                        return Uni.createFrom().nullItem();
                    }
                    Map<String, Object> data = new LinkedHashMap<>(s.view(s.createdAt, link(s)));
                    return outbox.record(caller, requestId, event(s, "survey.created", data)).replaceWith(s);
                });
    }

    /** Creates a survey for a ticket on request (e.g. for a ticket solved before surveys were switched on). */
    @WithTransaction
    public Uni<Survey> create(Caller caller, String requestId, UUID ticketId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "SELECT assignee_id, CAST(team_id AS text) FROM ticket WHERE tenant_id = :tenant AND id = :id",
                Object[].class).setParameter("tenant", caller.tenantId()).setParameter("id", ticketId)
                .getResultList())
                .chain(rows -> {
                    if (rows.isEmpty()) {
                        throw new ProblemException(ProblemType.VALIDATION_FAILED, "no ticket with this id exists",
                                List.of(new FieldError("/ticketId", "no ticket with this id exists")));
                    }
                    return createInTransaction(caller, requestId, ticketId, (String) rows.get(0)[0],
                            (String) rows.get(0)[1]);
                })
                .onItem().ifNull().failWith(() -> new ProblemException(ProblemType.CONFLICT,
                        "this ticket already has a survey").with("field", "ticketId"));
    }

    @WithSession
    public Uni<Survey> get(Caller caller, UUID id) {
        return Survey.<Survey>find("id = ?1 and tenantId = ?2", id, caller.tenantId()).firstResult()
                .onItem().ifNull().failWith(() -> ProblemException.notFound("survey", id));
    }

    @WithSession
    public Uni<List<Survey>> list(Caller caller, SqlFragment where, String orderBy, int limit) {
        return PageQueries.fetch(Survey.class, "csat_survey", caller.tenantId(), "TRUE", where, orderBy, limit);
    }

    /** What the holder of a link may see before answering. */
    @WithSession
    public Uni<Survey> open(String token) {
        SurveyTokens.Claims claims = claims(token);
        return Survey.<Survey>findById(claims.surveyId()).map(s -> {
            if (s == null) {
                throw invalid();
            }
            return s;
        });
    }

    /**
     * Records the answer of a link's holder, once: the conditional UPDATE lets exactly one of any number of
     * concurrent answers through; the others learn why they were refused.
     */
    @WithTransaction
    public Uni<Survey> answer(String token, String requestId, int rating, String comment) {
        SurveyTokens.Claims claims = claims(token);
        if (!Instant.now().isBefore(claims.expiresAt())) {
            throw expired();
        }
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                UPDATE csat_survey SET answered_at = :now, rating = :rating, comment = :comment
                 WHERE id = :id AND answered_at IS NULL AND expires_at > :now
                """).setParameter("now", TenantRecord.now()).setParameter("rating", rating)
                .setParameter("comment", comment).setParameter("id", claims.surveyId()).executeUpdate()
                .chain(updated -> session.find(Survey.class, claims.surveyId())
                        .map(s -> {
                            if (s == null) {
                                throw invalid();
                            }
                            if (updated == 0) {
                                throw s.answeredAt != null ? new ProblemException(ProblemType.SURVEY_ALREADY_ANSWERED,
                                        "this survey has already been answered; a link can be used once") : expired();
                            }
                            return s;
                        })))
                .call(s -> {
                    Map<String, Object> data = new LinkedHashMap<>(s.view(Instant.now(), null));
                    Caller actor = new Caller(s.tenantId, PUBLIC_ACTOR, null, Set.of());
                    return outbox.record(actor, requestId, event(s, "survey.answered", data));
                });
    }

    /** One row of the CSAT report. */
    public record CsatRow(String key, String periodStart, long responses, long satisfied, double averageRating) {
    }

    /** Answered surveys grouped by agent, team or nothing, and by calendar period in {@code zone}. */
    @WithSession
    public Uni<List<CsatRow>> report(Caller caller, String groupBy, String period, ZoneId zone, Instant from,
            Instant to) {
        String key = switch (groupBy) {
            case "agent" -> "agent_id";
            case "team" -> "team_id";
            default -> "CAST(NULL AS text)";
        };
        // groupBy and period come from fixed lists checked by the resource; values are bound.
        String sql = "SELECT " + key + " AS k, CAST(date_trunc('" + period + "', answered_at AT TIME ZONE :zone) AS date),"
                + " count(*), count(*) FILTER (WHERE rating >= 4), avg(rating)"
                + " FROM csat_survey WHERE tenant_id = :tenant AND answered_at >= :from AND answered_at < :to"
                + " GROUP BY 1, 2 ORDER BY 2, 1 NULLS FIRST";
        return Panache.getSession().chain(session -> session.createNativeQuery(sql, Object[].class)
                .setParameter("zone", zone.getId()).setParameter("tenant", caller.tenantId())
                .setParameter("from", from).setParameter("to", to).getResultList())
                .map(rows -> {
                    List<CsatRow> out = new ArrayList<>();
                    for (Object[] r : rows) {
                        out.add(new CsatRow((String) r[0], String.valueOf(r[1]), ((Number) r[2]).longValue(),
                                ((Number) r[3]).longValue(), ((Number) r[4]).doubleValue()));
                    }
                    return out;
                });
    }

    private SurveyTokens.Claims claims(String token) {
        try {
            return tokens.verify(token);
        } catch (SurveyTokens.InvalidToken e) {
            throw invalid();
        }
    }

    private static ProblemException invalid() {
        return new ProblemException(ProblemType.SURVEY_LINK_INVALID, "this survey link is not valid");
    }

    private static ProblemException expired() {
        return new ProblemException(ProblemType.SURVEY_LINK_EXPIRED, "this survey link has expired");
    }

    private static DomainEvent event(Survey s, String type, Object data) {
        return new DomainEvent(TOPIC, "surveys", s.id.toString(), type, data);
    }
}
