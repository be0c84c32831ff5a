package io.clientele.service.assignment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.customer.api.CustomerQueries;
import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.history.ChangeSource;
import io.clientele.platform.persistence.TenantRecord;
import io.clientele.platform.query.FilterParser;
import io.clientele.platform.query.SqlFilterCompiler;
import io.clientele.platform.query.SqlFragment;
import io.clientele.platform.security.Caller;
import io.clientele.service.tickets.Ticket;
import io.clientele.service.tickets.TicketBatch;
import io.clientele.service.tickets.TicketService;
import io.smallrye.mutiny.Uni;

/**
 * Routes a new ticket: the first enabled rule (by position) whose conditions match sends it to a team;
 * inside the team the rule's strategy picks an available agent below capacity (round-robin, least-loaded,
 * or least-loaded among those with the rule's skills). The ticket records why. Correct with several
 * replicas: routing into one team is serialised by a PostgreSQL lock held until the transaction commits.
 */
@ApplicationScoped
public class AssignmentService {

    private final AssignmentRepository repository;
    private final TicketService tickets;
    private final ClienteleConfig config;

    AssignmentService(AssignmentRepository repository, TicketService tickets, ClienteleConfig config) {
        this.repository = repository;
        this.tickets = tickets;
        this.config = config;
    }

    /** Must run inside the transaction that created {@code ticket}; without a matching rule nothing changes. */
    public Uni<Ticket> route(Caller caller, String requestId, ChangeSource source, Ticket ticket) {
        return repository.enabledRules(ticket.tenantId)
                .chain(rules -> firstMatch(ticket, rules, 0))
                .chain(rule -> rule == null ? Uni.createFrom().item(ticket) : assignInTeam(caller, requestId, source,
                        ticket, rule));
    }

    private Uni<AssignmentRule> firstMatch(Ticket ticket, List<AssignmentRule> rules, int from) {
        for (int i = from; i < rules.size(); i++) {
            AssignmentRule rule = rules.get(i);
            if (!rule.conditions.matchesTicket(ticket)) {
                continue;
            }
            if (!rule.conditions.hasSegments()) {
                return Uni.createFrom().item(rule);
            }
            int next = i + 1;
            return inSegments(ticket, rule).chain(in -> in ? Uni.createFrom().item(rule)
                    : firstMatch(ticket, rules, next));
        }
        return Uni.createFrom().nullItem();
    }

    private Uni<Boolean> inSegments(Ticket ticket, AssignmentRule rule) {
        if (ticket.customerId == null) {
            return Uni.createFrom().item(false);
        }
        return repository.segmentFilters(ticket.tenantId, rule.conditions.segmentIds()).chain(filters -> {
            if (filters.isEmpty()) {
                return Uni.createFrom().item(false);
            }
            SqlFragment any = null;
            StringBuilder sql = new StringBuilder();
            Map<String, Object> params = new LinkedHashMap<>();
            for (int i = 0; i < filters.size(); i++) {
                SqlFragment f = SqlFilterCompiler.compile(FilterParser.parse(filters.get(i)), CustomerQueries.SCHEMA);
                // Each segment's parameters get their own names, so one OR can hold them all.
                String part = f.sql();
                for (Map.Entry<String, Object> p : f.params().entrySet()) {
                    String renamed = "s" + i + "_" + p.getKey();
                    part = part.replaceAll(":" + java.util.regex.Pattern.quote(p.getKey()) + "\\b", ":" + renamed);
                    params.put(renamed, p.getValue());
                }
                sql.append(i == 0 ? "" : " OR ").append('(').append(part).append(')');
            }
            any = new SqlFragment(sql.toString(), params);
            return repository.customerMatches(ticket.tenantId, ticket.customerId, any);
        });
    }

    private Uni<Ticket> assignInTeam(Caller caller, String requestId, ChangeSource source, Ticket ticket,
            AssignmentRule rule) {
        boolean roundRobin = rule.strategy() == AssignmentRule.Strategy.ROUND_ROBIN;
        return team(ticket.tenantId, rule, roundRobin).chain(team -> {
            Choice choice = choose(rule, team);
            Uni<Void> moved = roundRobin && choice.subject() != null
                    ? repository.moveCursor(ticket.tenantId, rule.teamId, choice.subject())
                    : Uni.createFrom().voidItem();
            return moved.chain(() -> tickets.assign(caller, requestId, source, ticket, rule.teamId, choice.subject(),
                    why(rule, choice)));
        });
    }

    /** What routing into one team needs, read under the team's lock; kept for a whole batch by {@link Router}. */
    private static final class Team {
        final Set<String> members;
        final List<ServiceAgent> agents;
        final Map<String, Long> loads;
        String cursor;
        boolean cursorMoved;

        Team(Set<String> members, List<ServiceAgent> agents, Map<String, Long> loads, String cursor) {
            this.members = members;
            this.agents = agents;
            this.loads = loads;
            this.cursor = cursor;
        }
    }

    /** Locks the team for this transaction and reads its members, their profiles and loads (and the cursor). */
    private Uni<Team> team(String tenantId, AssignmentRule rule, boolean withCursor) {
        return repository.lockTeam(tenantId, rule.teamId)
                .chain(() -> repository.members(tenantId, rule.teamId))
                .chain(members -> members.isEmpty()
                        ? Uni.createFrom().item(new Team(members, List.of(), new HashMap<>(), null))
                        : repository.agents(tenantId, members).chain(agents -> repository.loads(tenantId, members)
                                .chain(loads -> (withCursor ? repository.cursor(tenantId, rule.teamId)
                                        : Uni.createFrom().<String>nullItem())
                                        .map(cursor -> new Team(members, agents, new HashMap<>(loads), cursor)))));
    }

    private static Map<String, Object> why(AssignmentRule rule, Choice choice) {
        Map<String, Object> why = new LinkedHashMap<>();
        why.put("method", "rule");
        why.put("ruleId", rule.id.toString());
        why.put("ruleName", rule.name);
        why.put("teamId", rule.teamId.toString());
        why.put("strategy", rule.strategy);
        if (rule.skills.length > 0) {
            why.put("requiredSkills", List.of(rule.skills));
        }
        why.put("candidates", choice.candidates());
        why.put("reason", choice.reason());
        why.put("at", TenantRecord.now().toString());
        return why;
    }

    /** A router for the new tickets of one bulk transaction (see {@link Router}). */
    public Router router() {
        return new Router();
    }

    /**
     * Routes the new tickets of one transaction (a Kafka intake batch): enabled rules read once per tenant, and
     * each team locked and its members, profiles, loads and round-robin position read once, on first use; then
     * loads are counted and the cursor moved in memory, so every ticket sees what the ones before it left, as
     * when they are routed one by one. {@link #finish} writes the cursors.
     */
    public final class Router {

        private final Map<String, List<AssignmentRule>> rules = new HashMap<>();
        private final Map<String, Team> teams = new HashMap<>();

        private Router() {
        }

        /** Routes {@code ticket}, a ticket of {@code batch}; without a matching rule nothing changes. */
        public Uni<Void> route(Caller caller, String requestId, ChangeSource source, Ticket ticket, TicketBatch batch) {
            List<AssignmentRule> known = rules.get(ticket.tenantId);
            Uni<List<AssignmentRule>> enabled = known != null ? Uni.createFrom().item(known)
                    : repository.enabledRules(ticket.tenantId).invoke(list -> rules.put(ticket.tenantId, list));
            return enabled.chain(list -> firstMatch(ticket, list, 0)).chain(rule -> {
                if (rule == null) {
                    return Uni.createFrom().voidItem();
                }
                String key = ticket.tenantId + "|" + rule.teamId;
                Team cached = teams.get(key);
                Uni<Team> team = cached != null ? Uni.createFrom().item(cached)
                        : team(ticket.tenantId, rule, true).invoke(t -> teams.put(key, t));
                return team.invoke(t -> {
                    Choice choice = choose(rule, t);
                    if (choice.subject() != null) {
                        // The new ticket is active: it counts for the next one.
                        t.loads.merge(choice.subject(), 1L, Long::sum);
                        if (rule.strategy() == AssignmentRule.Strategy.ROUND_ROBIN) {
                            t.cursor = choice.subject();
                            t.cursorMoved = true;
                        }
                    }
                    batch.assign(caller, requestId, source, ticket, rule.teamId, choice.subject(), why(rule, choice));
                }).replaceWithVoid();
            });
        }

        /** Writes the round-robin positions moved by this batch. */
        public Uni<Void> finish() {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Map.Entry<String, Team> e : teams.entrySet()) {
                if (e.getValue().cursorMoved) {
                    int bar = e.getKey().indexOf('|');
                    String tenant = e.getKey().substring(0, bar);
                    UUID teamId = UUID.fromString(e.getKey().substring(bar + 1));
                    String cursor = e.getValue().cursor;
                    chain = chain.chain(() -> repository.moveCursor(tenant, teamId, cursor));
                }
            }
            return chain;
        }
    }

    record Choice(String subject, List<Map<String, Object>> candidates, String reason) {
    }

    private Choice choose(AssignmentRule rule, Team team) {
        if (team.members.isEmpty()) {
            return new Choice(null, List.of(), "the team has no members");
        }
        Set<String> members = team.members;
        List<ServiceAgent> agents = team.agents;
        Map<String, Long> loads = team.loads;
        Map<String, ServiceAgent> profiles = new LinkedHashMap<>();
        agents.forEach(a -> profiles.put(a.subject, a));
        List<String> eligible = new ArrayList<>();
        List<Map<String, Object>> candidates = new ArrayList<>();
        Set<String> required = Set.of(rule.skills);
        for (String subject : new TreeSet<>(members)) {
            ServiceAgent profile = profiles.get(subject);
            int capacity = profile == null ? config.assignment().defaultCapacity() : profile.capacity;
            boolean available = profile == null || profile.available;
            // An int, as the JSON round trip gives it back: a Long would make Hibernate see the stored
            // assignment as changed at every flush.
            int load = loads.getOrDefault(subject, 0L).intValue();
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("subject", subject);
            c.put("load", load);
            c.put("capacity", capacity);
            String skipped = null;
            if (!available) {
                skipped = "unavailable";
            } else if (load >= capacity) {
                skipped = "at capacity";
            } else if (rule.strategy() == AssignmentRule.Strategy.SKILLS && !required.isEmpty()
                    && (profile == null || !Set.of(profile.skills).containsAll(required))) {
                skipped = "lacks skills " + required.stream().filter(s -> profile == null
                        || !Arrays.asList(profile.skills).contains(s)).sorted().toList();
            }
            if (skipped != null) {
                c.put("skipped", skipped);
            } else {
                eligible.add(subject);
            }
            candidates.add(c);
        }
        if (eligible.isEmpty()) {
            return new Choice(null, candidates, "queued for the team: no available agent below capacity"
                    + (required.isEmpty() ? "" : " with the required skills"));
        }
        return switch (rule.strategy()) {
            case ROUND_ROBIN -> {
                String last = team.cursor;
                String next = eligible.stream().filter(s -> last == null || s.compareTo(last) > 0).findFirst()
                        .orElse(eligible.get(0));
                yield new Choice(next, candidates, "round-robin: next available agent after "
                        + (last == null ? "the start" : last));
            }
            case LEAST_LOADED, SKILLS -> {
                Comparator<String> byLoad = Comparator.<String>comparingDouble(s -> ratio(s, loads, profiles))
                        .thenComparingLong(s -> loads.getOrDefault(s, 0L)).thenComparing(s -> s);
                String best = eligible.stream().min(byLoad).orElseThrow();
                yield new Choice(best, candidates, (rule.strategy() == AssignmentRule.Strategy.SKILLS
                        ? "has the required skills and " : "") + "least loaded: " + loads.getOrDefault(best, 0L)
                        + " open tickets of " + capacity(best, profiles));
            }
        };
    }

    private double ratio(String subject, Map<String, Long> loads, Map<String, ServiceAgent> profiles) {
        int capacity = capacity(subject, profiles);
        return capacity == 0 ? Double.MAX_VALUE : loads.getOrDefault(subject, 0L) / (double) capacity;
    }

    private int capacity(String subject, Map<String, ServiceAgent> profiles) {
        ServiceAgent p = profiles.get(subject);
        return p == null ? config.assignment().defaultCapacity() : p.capacity;
    }
}
