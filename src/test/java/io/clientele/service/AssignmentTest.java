package io.clientele.service;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Rules route tickets to teams; strategies pick agents; capacity holds under concurrent creates. */
@QuarkusTest
@WithTestResource(InfraResource.class)
class AssignmentTest {

    static String team(Api api, String name, String... members) {
        String id = api.call().body(Map.of("name", name)).post("/v1/teams").then().statusCode(201).extract().path("id");
        for (String m : members) {
            api.call().body(Map.of("role", "member")).put("/v1/teams/" + id + "/members/" + m).then().statusCode(200);
        }
        return id;
    }

    static void agent(Api api, String subject, int capacity, List<String> skills, boolean available) {
        api.call().body(Map.of("capacity", capacity, "skills", skills, "available", available))
                .put("/v1/agents/" + subject).then().statusCode(201);
    }

    static String rule(Api api, Map<String, Object> body) {
        return api.call().body(body).post("/v1/assignment-rules").then().statusCode(201).extract().path("id");
    }

    static JsonPath ticket(Api api, Map<String, Object> body) {
        return api.call().body(body).post("/v1/tickets").then().statusCode(201).extract().jsonPath();
    }

    @Test
    void leastLoadedSkipsUnavailableAndFullAgentsAndSaysWhy() {
        Api api = Api.freshTenant();
        String team = team(api, "Support", "ana", "ben", "cyd");
        agent(api, "ana", 1, List.of(), true);
        agent(api, "ben", 3, List.of(), true);
        agent(api, "cyd", 5, List.of(), false);
        rule(api, Map.of("name", "complaints", "teamId", team, "strategy", "least_loaded",
                "conditions", Map.of("types", List.of("complaint"))));

        JsonPath first = ticket(api, Map.of("subject", "c1", "type", "complaint"));
        assertEquals("ana", first.getString("assigneeId"), "ana and ben both at 0, ana first by name");
        assertEquals("open", first.getString("status"));
        assertEquals("rule", first.getString("assignment.method"));
        assertEquals("complaints", first.getString("assignment.ruleName"));
        JsonPath second = ticket(api, Map.of("subject", "c2", "type", "complaint"));
        assertEquals("ben", second.getString("assigneeId"));
        List<Map<String, Object>> candidates = second.getList("assignment.candidates");
        assertEquals("at capacity", byName(candidates).get("ana").get("skipped"));
        assertEquals("unavailable", byName(candidates).get("cyd").get("skipped"));
        // Not a complaint: no rule, no assignee.
        JsonPath other = ticket(api, Map.of("subject", "q", "type", "inquiry"));
        assertNull(other.get("assigneeId"));
        assertEquals("new", other.getString("status"));

        api.call().get("/v1/agents/ben").then().statusCode(200).body("openTickets", equalTo(1));
    }

    @Test
    void roundRobinRotatesAndSkillsNeedEverySkill() {
        Api api = Api.freshTenant();
        String rr = team(api, "Rotation", "r1", "r2", "r3");
        String experts = team(api, "Experts", "e1", "e2");
        agent(api, "e1", 10, List.of("billing"), true);
        agent(api, "e2", 10, List.of("billing", "sepa"), true);
        rule(api, Map.of("name", "sepa", "position", 1, "teamId", experts, "strategy", "skills",
                "skills", List.of("billing", "sepa"), "conditions", Map.of("tags", List.of("sepa"))));
        rule(api, Map.of("name", "everything else", "position", 2, "teamId", rr, "strategy", "round_robin"));

        List<String> rotation = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rotation.add(ticket(api, Map.of("subject", "rr" + i)).getString("assigneeId"));
        }
        assertEquals(List.of("r1", "r2", "r3", "r1"), rotation);
        for (int i = 0; i < 2; i++) {
            JsonPath t = ticket(api, Map.of("subject", "sepa" + i, "tags", List.of("SEPA")));
            assertEquals("e2", t.getString("assigneeId"));
            assertEquals(experts, t.getString("teamId"));
        }
    }

    @Test
    void segmentConditionsRouteByRequester() {
        Api api = Api.freshTenant();
        String vipTeam = team(api, "VIP desk", "vip-agent");
        String segment = api.call().body(Map.of("name", "VIPs", "filter", "lifecycleStage==evangelist"))
                .post("/v1/segments").then().statusCode(201).extract().path("id");
        rule(api, Map.of("name", "vip", "teamId", vipTeam, "conditions", Map.of("segmentIds", List.of(segment))));
        String vip = api.call().body(Map.of("kind", "person", "firstName", "V", "lastName", "Ip", "lifecycleStage",
                "evangelist")).post("/v1/customers").then().statusCode(201).extract().path("id");
        String plain = api.call().body(Map.of("kind", "person", "firstName", "P", "lastName", "Lain"))
                .post("/v1/customers").then().statusCode(201).extract().path("id");
        assertEquals("vip-agent", ticket(api, Map.of("subject", "a", "customerId", vip)).getString("assigneeId"));
        assertNull(ticket(api, Map.of("subject", "b", "customerId", plain)).get("assigneeId"));
    }

    @Test
    void concurrentCreatesNeverOverfillAnAgent() throws Exception {
        Api api = Api.freshTenant();
        String team = team(api, "Busy", "b1", "b2", "b3");
        for (String a : List.of("b1", "b2", "b3")) {
            agent(api, a, 3, List.of(), true);
        }
        rule(api, Map.of("name", "all", "teamId", team, "strategy", "least_loaded"));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int n = i;
                Callable<String> create = () -> ticket(api, Map.of("subject", "busy" + n)).getString("assigneeId");
                results.add(pool.submit(create));
            }
            Map<String, Integer> perAgent = new HashMap<>();
            for (Future<String> f : results) {
                perAgent.merge(String.valueOf(f.get()), 1, Integer::sum);
            }
            assertEquals(Map.of("b1", 3, "b2", 3, "b3", 3, "null", 3), perAgent);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(3, Db.count("SELECT count(*) FROM ticket WHERE tenant_id = ? AND assignee_id IS NULL"
                + " AND team_id IS NOT NULL", api.tenant()), "the overflow waits in the team queue");
    }

    @Test
    void agentLoadsFollowSolveReassignAndReopen() {
        Api api = Api.freshTenant();
        String team = team(api, "Loads", "la", "lb");
        agent(api, "la", 5, List.of(), true);
        agent(api, "lb", 5, List.of(), true);
        rule(api, Map.of("name", "all", "teamId", team, "strategy", "least_loaded"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(ticket(api, Map.of("subject", "load" + i)).getString("id"));
        }
        assertLoads(api, 2, 2);
        String ofLa = ids.get(0);
        String ofLb = ids.get(1);
        TicketApiTest.patchStatus(api, ofLa, "solved");
        assertLoads(api, 1, 2);
        api.call().contentType("application/merge-patch+json")
                .header("If-Match", "\"" + TicketApiTest.version(api, ofLb) + "\"")
                .body(Map.of("assigneeId", "la")).patch("/v1/tickets/" + ofLb).then().statusCode(200);
        assertLoads(api, 2, 1);
        TicketApiTest.patchStatus(api, ofLa, "open");
        assertLoads(api, 3, 1);
        assertEquals("lb", ticket(api, Map.of("subject", "after")).getString("assigneeId"), "lb is the less loaded now");
        assertLoads(api, 3, 2);
    }

    // The trigger-kept counters (V71) agree with a count of the tickets, and the agents' API shows them.
    private static void assertLoads(Api api, long la, long lb) {
        Map<String, Long> expected = Map.of("la", la, "lb", lb);
        expected.forEach((agent, load) -> {
            assertEquals(load, Db.count("SELECT count(*) FROM ticket WHERE tenant_id = ? AND assignee_id = ?"
                    + " AND status IN ('new', 'open', 'pending', 'on_hold')", api.tenant(), agent), agent + " tickets");
            assertEquals(load, Db.count("SELECT coalesce(sum(open_count), 0) FROM agent_open_tickets"
                    + " WHERE tenant_id = ? AND assignee_id = ?", api.tenant(), agent), agent + " counter");
            api.call().get("/v1/agents/" + agent).then().statusCode(200).body("openTickets", equalTo((int) (long) load));
        });
    }

    @Test
    void rulesAreValidated() {
        Api api = Api.freshTenant();
        api.raw().contentType("application/json").body(Map.of("name", "x", "teamId", "00000000-0000-0000-0000-000000000001"))
                .post("/v1/assignment-rules").then().statusCode(422).body("errors[0].pointer", equalTo("/teamId"));
        api.raw().contentType("application/json").body(Map.of("name", "x", "strategy", "skills",
                "conditions", Map.of("channels", List.of("fax")))).post("/v1/assignment-rules").then().statusCode(422)
                .body("errors.pointer", hasItem("/conditions/channels/0")).body("errors.pointer", hasItem("/skills"));
        Api.freshTenant("agent").call().body(Map.of("capacity", 3)).put("/v1/agents/me").then().statusCode(403);
        String team = team(api, "T");
        String id = rule(api, Map.of("name", "r", "teamId", team));
        api.call().body(Map.of("name", "R", "teamId", team)).post("/v1/assignment-rules").then().statusCode(409);
        api.call().contentType("application/merge-patch+json").header("If-Match", "\"0\"")
                .body(Map.of("enabled", false)).patch("/v1/assignment-rules/" + id).then().statusCode(200)
                .body("enabled", equalTo(false));
        api.call().header("If-Match", "\"1\"").delete("/v1/assignment-rules/" + id).then().statusCode(204);
        api.call().get("/v1/assignment-rules/" + id).then().statusCode(404).body("detail", containsString("rule"));
        assertTrue(Db.count("SELECT count(*) FROM outbox_event WHERE tenant_id = ? AND topic = 'clientele.assignment'",
                api.tenant()) >= 0);
    }

    private static Map<String, Map<String, Object>> byName(List<Map<String, Object>> candidates) {
        Map<String, Map<String, Object>> m = new HashMap<>();
        candidates.forEach(c -> m.put((String) c.get("subject"), c));
        return m;
    }
}
