package io.clientele.service.sla;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Business calendars and SLA policies over HTTP, with the engine's answers read back through the API. */
@QuarkusTest
@WithTestResource(InfraResource.class)
class SlaSettingsTest {

    private static final String P = "https://clientele.io/problems/";

    static Map<String, Object> officeWeek() {
        List<Map<String, String>> day = List.of(Map.of("start", "09:00", "end", "12:00"),
                Map.of("start", "13:00", "end", "17:00"));
        return Map.of("monday", day, "tuesday", day, "wednesday", day, "thursday", day, "friday", day);
    }

    static String calendar(Api api, String name, String zone, Map<String, Object> week, List<Map<String, String>> holidays) {
        return api.call().body(Map.of("name", name, "timeZone", zone, "week", week, "holidays", holidays))
                .post("/v1/sla/calendars").then().statusCode(201).extract().path("id");
    }

    private static String due(Api api, String calendar, String from, String add) {
        return api.call().queryParam("from", from).queryParam("add", add)
                .get("/v1/sla/calendars/" + calendar + "/business-time").then().statusCode(200).extract().path("dueAt");
    }

    @Test
    void calendarsComputeBusinessTimeAcrossHolidaysZonesAndDst() {
        Api api = Api.freshTenant();
        String berlin = calendar(api, "Berlin", "Europe/Berlin", officeWeek(),
                List.of(Map.of("date", "2026-04-03", "name", "Good Friday"), Map.of("date", "2026-04-06")));
        // Thursday 2026-03-26 16:00 CET + 9h: 1h Thursday, 7h Friday, then Monday 30 March 09:00-10:00 CEST.
        assertDue(api, berlin, "2026-03-26T15:00:00Z", "PT9H", "2026-03-30T08:00:00Z");
        // Thursday 2 April 16:00 CEST + 2h: Good Friday and Easter Monday are holidays -> Tuesday 7 April 10:00.
        assertDue(api, berlin, "2026-04-02T14:00:00Z", "PT2H", "2026-04-07T08:00:00Z");
        api.call().queryParam("from", "2026-03-27T08:00:00Z").queryParam("to", "2026-03-30T07:00:00Z")
                .get("/v1/sla/calendars/" + berlin + "/business-time").then().statusCode(200)
                .body("businessTime", equalTo("PT7H"));

        // Round the clock in New York: the spring-forward night has 23 hours.
        Map<String, Object> always = Map.of("monday", List.of(Map.of("start", "00:00", "end", "24:00")),
                "sunday", List.of(Map.of("start", "00:00", "end", "24:00")));
        String ny = calendar(api, "New York 24h", "America/New_York", always, List.of());
        api.call().queryParam("from", "2026-03-08T05:00:00Z").queryParam("to", "2026-03-09T04:00:00Z")
                .get("/v1/sla/calendars/" + ny + "/business-time").then().statusCode(200)
                .body("businessTime", equalTo("PT23H"));

        // The same hours in Shanghai are other instants, and New Year's Day is skipped.
        String shanghai = calendar(api, "Shanghai", "Asia/Shanghai", officeWeek(), List.of(Map.of("date", "2027-01-01")));
        assertDue(api, shanghai, "2026-12-31T08:00:00Z", "PT2H", "2027-01-04T02:00:00Z");

        api.call().queryParam("from", "yesterday").queryParam("add", "PT1H")
                .get("/v1/sla/calendars/" + berlin + "/business-time").then().statusCode(400);
        api.call().queryParam("from", "2026-03-26T15:00:00Z")
                .get("/v1/sla/calendars/" + berlin + "/business-time").then().statusCode(400);
    }

    private static void assertDue(Api api, String calendar, String from, String add, String expected) {
        org.junit.jupiter.api.Assertions.assertEquals(expected, due(api, calendar, from, add));
    }

    @Test
    void brokenCalendarsAreRefusedAndNamesAreUnique() {
        Api api = Api.freshTenant();
        api.raw().contentType("application/json").body(Map.of("name", "X", "timeZone", "Mars/Olympus",
                "week", Map.of("monday", List.of(Map.of("start", "09:00", "end", "12:00"),
                        Map.of("start", "11:00", "end", "13:00")), "funday", List.of(),
                        "tuesday", List.of(Map.of("start", "17:00", "end", "09:00")))))
                .post("/v1/sla/calendars").then().statusCode(422)
                .body("errors.pointer", hasItems("/timeZone", "/week/funday", "/week/tuesday/0"));
        api.raw().contentType("application/json").body(Map.of("name", "X", "timeZone", "UTC",
                "week", Map.of("monday", List.of(Map.of("start", "09:00", "end", "12:00"),
                        Map.of("start", "11:00", "end", "13:00")))))
                .post("/v1/sla/calendars").then().statusCode(422).body("errors.pointer", contains("/week"));
        calendar(api, "Main", "UTC", officeWeek(), List.of());
        api.call().body(Map.of("name", "MAIN", "timeZone", "UTC", "week", officeWeek())).post("/v1/sla/calendars")
                .then().statusCode(409).body("type", equalTo(P + "conflict"));
        Api.freshTenant("agent").call().body(Map.of("name", "A", "timeZone", "UTC", "week", officeWeek()))
                .post("/v1/sla/calendars").then().statusCode(403);
    }

    @Test
    void policiesAreValidatedAndKeepTheirCalendar() {
        Api api = Api.freshTenant();
        String cal = calendar(api, "Office", "Europe/Berlin", officeWeek(), List.of());
        String id = api.call().body(Map.of("name", "Urgent", "position", 10, "priorities", List.of("urgent"),
                "calendarId", cal, "targets", Map.of("firstResponse", "PT1H", "resolution", "PT8H"),
                "escalation", List.of(Map.of("on", "breach", "action", "raise_priority"),
                        Map.of("on", "warning", "metric", "firstResponse", "action", "notify",
                                "recipients", List.of("duty-manager")))))
                .post("/v1/sla/policies").then().statusCode(201).body("warnBeforePercent", equalTo(20))
                .body("targets.firstResponse", equalTo("PT1H")).body("enabled", equalTo(true))
                .extract().path("id");
        api.call().contentType("application/merge-patch+json").header("If-Match", "\"0\"")
                .body(Map.of("targets", Map.of("firstResponse", "PT30M"), "ticketTypes", List.of("complaint")))
                .patch("/v1/sla/policies/" + id).then().statusCode(200).body("targets.firstResponse", equalTo("PT30M"))
                .body("ticketTypes", contains("complaint"));
        api.call().queryParam("filter", "priorities==urgent").get("/v1/sla/policies").then().statusCode(200)
                .body("items.id", contains(id));

        api.raw().contentType("application/json").body(Map.of("name", "Bad", "priorities", List.of("critical"),
                "calendarId", "not-a-uuid", "targets", Map.of("firstResponse", "PT0S", "answer", "PT1H"),
                "warnBeforePercent", 95, "escalation", List.of(Map.of("on", "later", "action", "reassign"))))
                .post("/v1/sla/policies").then().statusCode(422)
                .body("errors.pointer", hasItems("/priorities/0", "/calendarId", "/targets/firstResponse",
                        "/targets/answer", "/warnBeforePercent", "/escalation/0/on", "/escalation/0"));
        api.call().body(Map.of("name", "Ghost calendar", "calendarId", "00000000-0000-0000-0000-000000000001",
                "targets", Map.of("resolution", "P2D"))).post("/v1/sla/policies").then().statusCode(422)
                .body("errors.pointer", hasItem("/calendarId"));
        // A calendar in use cannot be deleted.
        api.call().header("If-Match", "\"0\"").delete("/v1/sla/calendars/" + cal).then().statusCode(409);
        api.call().header("If-Match", "\"1\"").delete("/v1/sla/policies/" + id).then().statusCode(204);
        api.call().header("If-Match", "\"0\"").delete("/v1/sla/calendars/" + cal).then().statusCode(204);
    }

    /** Calendars and policies share one REST edge: the same conventions hold for both. */
    @Test
    void calendarsAndPoliciesFollowTheSameEdgeConventions() {
        Api api = Api.freshTenant();
        for (String kind : List.of("calendars", "policies")) {
            Map<String, Object> body = kind.equals("calendars")
                    ? Map.of("name", "Edge " + kind, "timeZone", "Asia/Tokyo", "week", officeWeek(), "holidays", List.of())
                    : Map.of("name", "Edge " + kind, "targets", Map.of("resolution", "PT8H"));
            String key = "edge-" + kind + "-" + java.util.UUID.randomUUID();
            var created = api.call().header("Idempotency-Key", key).body(body).post("/v1/sla/" + kind).then()
                    .statusCode(201).header("ETag", equalTo("\"0\"")).extract();
            String id = created.path("id");
            assertEquals("/v1/sla/" + kind + "/" + id, java.net.URI.create(created.header("Location")).getPath());
            // The same key and body replays the answer instead of creating a second one.
            api.call().header("Idempotency-Key", key).body(body).post("/v1/sla/" + kind).then().statusCode(201)
                    .body("id", equalTo(id));
            api.call().get("/v1/sla/" + kind).then().statusCode(200).body("items.id", contains(id));
            api.call().header("If-None-Match", "\"0\"").get("/v1/sla/" + kind + "/" + id).then().statusCode(304);
            api.call().get("/v1/sla/" + kind + "/" + id).then().statusCode(200).header("ETag", equalTo("\"0\""))
                    .body("name", equalTo("Edge " + kind));
            api.call().contentType("application/merge-patch+json").body(Map.of("name", "Renamed " + kind))
                    .patch("/v1/sla/" + kind + "/" + id).then().statusCode(428);
            api.call().contentType("application/merge-patch+json").header("If-Match", "\"7\"")
                    .body(Map.of("name", "Renamed " + kind)).patch("/v1/sla/" + kind + "/" + id).then().statusCode(412);
            api.call().contentType("application/merge-patch+json").header("If-Match", "\"0\"")
                    .body(Map.of("name", "Renamed " + kind)).patch("/v1/sla/" + kind + "/" + id).then().statusCode(200)
                    .header("ETag", equalTo("\"1\"")).body("name", equalTo("Renamed " + kind));
            api.call().get("/v1/sla/" + kind + "/not-a-uuid").then().statusCode(400);
            api.call().delete("/v1/sla/" + kind + "/" + id).then().statusCode(428);
            api.call().header("If-Match", "\"1\"").delete("/v1/sla/" + kind + "/" + id).then().statusCode(204);
            api.call().get("/v1/sla/" + kind + "/" + id).then().statusCode(404);
        }
    }
}
