package io.clientele.customer;

import static io.clientele.customer.CustomerImportTest.HEADER;
import static io.clientele.customer.CustomerImportTest.await;
import static io.clientele.customer.CustomerImportTest.consumer;
import static io.clientele.customer.CustomerImportTest.customerIds;
import static io.clientele.customer.CustomerImportTest.errors;
import static io.clientele.customer.CustomerImportTest.importAndWait;
import static io.clientele.customer.CustomerImportTest.insertHeldJob;
import static io.clientele.customer.CustomerImportTest.jobHeldBy;
import static io.clientele.customer.CustomerImportTest.options;
import static io.clientele.customer.CustomerImportTest.post;
import static io.clientele.customer.CustomerImportTest.read;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.clientele.customer.imports.ImportJob;
import io.clientele.customer.imports.ImportWorker;
import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/** ADR 0021: one customer.imported event per chunk, compact history, the pipelined worker, fuzzy matching. */
@QuarkusTest
@WithTestResource(InfraResource.class)
class ImportPipelineTest {

    @Inject
    ImportWorker worker;

    /** Every event of the tenant on {@code consumer} until none has come for two seconds. */
    static List<JsonNode> drain(KafkaConsumer<String, String> consumer, String tenant, int atLeast) {
        List<JsonNode> out = new ArrayList<>();
        long quietSince = System.nanoTime();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline
                && (out.size() < atLeast || System.nanoTime() - quietSince < Duration.ofSeconds(2).toNanos())) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                JsonNode event = read(r.value());
                if (tenant.equals(event.get("tenantid").asText())) {
                    out.add(event);
                    quietSince = System.nanoTime();
                }
            }
        }
        return out;
    }

    static String customer(Api api, Map<String, Object> body) {
        return api.call().body(body).post("/v1/customers").then().statusCode(201).extract().path("id");
    }

    @Test
    void oneCustomerImportedEventPerChunkListsEveryRowsCustomerAndAction() throws Exception {
        Api api = Api.freshTenant();
        try (KafkaConsumer<String, String> customers = consumer("clientele.customers")) {
            String existing = customer(api, Map.of("kind", "person", "firstName", "U", "lastName", "Zero",
                    "emails", List.of(Map.of("address", "u0@example.com"))));
            // 60 rows, 25 per chunk: row 1 updates the existing customer (adds a phone), row 30 updates the
            // customer row 29 created in the same chunk; every other row creates one.
            StringBuilder csv = new StringBuilder(HEADER);
            for (int i = 1; i <= 60; i++) {
                String email = i == 1 ? "u0@example.com" : i == 30 ? "u29@example.com" : "u" + i + "@example.com";
                String phone = i == 1 || i == 30 ? "020 7946 00" + (10 + i) : "";
                csv.append("U,Row").append(i).append(',').append(email).append(',').append(phone).append(",,,,\r\n");
            }
            String id = post(api, csv.toString(), options("update", "matchOn", List.of("email")), null)
                    .then().statusCode(202).extract().path("id");
            JsonPath done = await(api, id);
            assertEquals(58, done.getInt("created"));
            assertEquals(2, done.getInt("updated"));

            List<JsonNode> events = drain(customers, api.tenant(), 4);
            // The API create's customer.created, then one customer.imported per chunk and no per-row events.
            // (Keyed by customer and by import: two partitions may interleave them, so order is not asserted.)
            assertEquals(List.of("customer.created", "customer.imported", "customer.imported", "customer.imported"),
                    events.stream().map(e -> e.get("type").asText()).sorted().toList());
            List<JsonNode> chunks = events.stream().filter(e -> e.get("type").asText().equals("customer.imported"))
                    .toList();
            assertEquals(List.of(1, 2, 3), chunks.stream().map(e -> e.at("/data/chunk").asInt()).sorted().toList());
            Map<Integer, JsonNode> rows = new HashMap<>();
            Set<String> listed = new TreeSet<>();
            for (JsonNode chunk : chunks) {
                assertEquals(id, chunk.at("/data/importId").asText());
                assertEquals(id, chunk.get("subject").asText());
                chunk.at("/data/rows").forEach(r -> {
                    rows.put(r.get("row").asInt(), r);
                    listed.add(r.get("customerId").asText());
                });
            }
            assertEquals(60, rows.size());
            assertEquals(customerIds(api.tenant()), listed);
            assertEquals("updated", rows.get(1).get("action").asText());
            assertEquals(existing, rows.get(1).get("customerId").asText());
            assertTrue(read(rows.get(1).get("changedFields").toString()).toString().contains("phones"));
            assertEquals("created", rows.get(29).get("action").asText());
            assertEquals("updated", rows.get(30).get("action").asText());
            assertEquals(rows.get(29).get("customerId"), rows.get(30).get("customerId"));
            assertEquals("created", rows.get(60).get("action").asText());
            assertTrue(rows.get(60).path("changedFields").isMissingNode());
            // History stays one entry per change, with source import.
            assertEquals(60, Db.count("SELECT count(*) FROM change_history WHERE tenant_id = ? AND source = 'import'",
                    api.tenant()));
        }
    }

    @Test
    void importedCustomersReadAsOfThePastFromCompactHistory() throws Exception {
        Api api = Api.freshTenant();
        Map<String, Object> o = options("skip");
        importAndWait(api, HEADER + "Grace,Hopper,grace@example.com,020 7946 0001,GB,gold,lead,G-1\r\n", o);
        String id = customerIds(api.tenant()).iterator().next();
        JsonNode imported = read(api.call().get("/v1/customers/" + id).then().statusCode(200).extract().asString());
        // The create entry holds the diff from nothing and no second copy as a snapshot.
        assertEquals(0, Db.count("SELECT count(*) FROM change_history WHERE entity_id = ?::uuid AND entry -> 'snapshot' IS NOT NULL",
                id));
        Thread.sleep(20);
        Instant afterImport = Instant.now();
        Thread.sleep(20);
        api.call().header("If-Match", "\"0\"").contentType("application/merge-patch+json")
                .body(Map.of("lastName", "Murray Hopper", "attributes", Map.of("loyalty", "platinum")))
                .patch("/v1/customers/" + id).then().statusCode(200);
        JsonNode past = read(api.call().queryParam("asOf", afterImport.toString()).get("/v1/customers/" + id)
                .then().statusCode(200).header("ETag", "\"0\"").extract().asString());
        assertEquals(imported, past);
        api.call().queryParam("asOf", Instant.now().toString()).get("/v1/customers/" + id).then().statusCode(200)
                .body("lastName", equalTo("Murray Hopper")).body("attributes.loyalty", equalTo("platinum"));
        api.call().queryParam("asOf", afterImport.toString()).queryParam("fields", "lastName,externalId")
                .get("/v1/customers/" + id).then().statusCode(200)
                .body("lastName", equalTo("Hopper")).body("externalId", equalTo("G-1"));
        api.call().get("/v1/customers/" + id + "/history").then().statusCode(200)
                .body("items.source", equalTo(List.of("api", "import")))
                .body("items[1].operation", equalTo("create"))
                .body("items[1].changes.field", hasItem("lastName"))
                .body("items[1].changes.find { it.field == 'lastName' }.new", equalTo("Hopper"));
    }

    /**
     * The pipelined worker dies after committing two chunks, with the third already parsed and validated ahead:
     * another worker resumes at the third chunk, the result equals a single run, and every chunk's event was
     * published exactly once.
     */
    @Test
    void aCrashWithChunksInFlightResumesExactly() throws Exception {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 0; i < 120; i++) {
            csv.append("P").append(i).append(",Pipe,p").append(i % 100).append("@example.com,,,,,\r\n");
        }
        csv.append("Bad,Row,nope,,,,,\r\n");
        String file = csv.toString();
        Api single = Api.freshTenant();
        JsonPath expected = importAndWait(single, file, options("skip"));

        Api crashed = Api.freshTenant();
        try (KafkaConsumer<String, String> customers = consumer("clientele.customers")) {
            UUID id = insertHeldJob(crashed, file);
            ImportJob held = jobHeldBy(id, "test-worker", crashed);
            assertEquals(2, worker.runAndDie(held, 2).await().indefinitely());
            assertEquals(50, Db.customers(crashed.tenant()));
            assertEquals(50, Db.count("SELECT rows_done FROM customer_import WHERE id = ?", id));
            assertEquals(3, Db.count("SELECT count(*) FROM customer_import_chunk WHERE import_id = ?", id));
            Db.execute("UPDATE customer_import SET lease_until = now() - interval '1 second' WHERE id = ?", id);
            JsonPath resumed = await(crashed, id.toString());
            for (String count : List.of("totalRows", "rowsDone", "created", "skipped", "failed", "updated")) {
                assertEquals(expected.getInt(count), resumed.getInt(count), count);
            }
            assertEquals(CustomerImportTest.emails(single.tenant()), CustomerImportTest.emails(crashed.tenant()));
            assertEquals(100, Db.count("SELECT count(*) FROM change_history WHERE tenant_id = ?", crashed.tenant()));
            // Chunks 1-4 create customers (chunk 5 has only skipped and broken rows): one event each, once.
            List<JsonNode> events = drain(customers, crashed.tenant(), 4);
            assertEquals(List.of(1, 2, 3, 4), events.stream().map(e -> e.at("/data/chunk").asInt()).sorted().toList());
            Set<String> listed = new TreeSet<>();
            events.forEach(e -> e.at("/data/rows").forEach(r -> listed.add(r.get("customerId").asText())));
            assertEquals(customerIds(crashed.tenant()), listed);
            assertEquals(ImportWorker.Step.STOP, worker.step(held).await().indefinitely());
        }
    }

    static final Map<String, String> ADDRESS_MAPPING = Map.of("First", "firstName", "Last", "lastName", "E-mail",
            "emails[0].address", "Line1", "addresses[0].line1", "Postal", "addresses[0].postalCode", "City",
            "addresses[0].city", "Country", "addresses[0].country");
    static final String ADDRESS_HEADER = "First,Last,E-mail,Line1,Postal,City,Country\r\n";

    /** Two existing customers (one Chinese name), and a file with their likely duplicates under other emails. */
    static Map<String, String> fuzzyFixture(Api api) {
        String smith = customer(api, Map.of("kind", "person", "firstName", "Jonathan", "lastName", "Smith",
                "emails", List.of(Map.of("address", "js@example.com")), "addresses", List.of(Map.of(
                        "line1", "1 High Street", "postalCode", "SW1A 1AA", "city", "London", "country", "GB"))));
        String wang = customer(api, Map.of("kind", "person", "firstName", "小明", "lastName", "王",
                "addresses", List.of(Map.of("line1", "88 Nanjing Road", "postalCode", "200001", "city", "上海",
                        "country", "CN"))));
        return Map.of("smith", smith, "wang", wang);
    }

    static final String FUZZY_FILE = ADDRESS_HEADER
            + "Jonathan,Smith,jonathan.smith@elsewhere.example,1 High Street,SW1A 1AA,London,GB\r\n"
            + "小明,王,wxm@elsewhere.example,88 Nanjing Road,200001,上海,CN\r\n"
            + "Ada,Nobody,ada@nobody.example,2 Low Road,EH1 1AA,Edinburgh,GB\r\n"
            + "John,Smythe,js@example.com,,,,\r\n";

    static Map<String, Object> fuzzyOptions(String fuzzy) {
        Map<String, Object> o = options("skip", "fuzzy", fuzzy, "mapping", ADDRESS_MAPPING);
        return o;
    }

    @Test
    void fuzzyFlagImportsLikelyDuplicatesAndReportsThem() throws Exception {
        Api api = Api.freshTenant();
        Map<String, String> existing = fuzzyFixture(api);
        String id = post(api, FUZZY_FILE, fuzzyOptions("flag"), null).then().statusCode(202).extract().path("id");
        JsonPath done = await(api, id);
        assertEquals("flag", done.getString("fuzzy"));
        assertEquals(3, done.getInt("created"));
        assertEquals(1, done.getInt("skipped")); // row 4: exact email match, exact keys win
        assertEquals(0, done.getInt("failed"));
        List<Map<String, Object>> report = errors(api, id);
        assertEquals(2, report.size(), report.toString());
        assertEquals(1, report.get(0).get("row"));
        assertEquals(existing.get("smith"), report.get(0).get("duplicateOf"));
        assertEquals(2, report.get(1).get("row"));
        assertEquals(existing.get("wang"), report.get(1).get("duplicateOf"));
        assertTrue(report.get(1).get("reason").toString().contains("imported anyway"), report.toString());
        assertEquals(5, Db.customers(api.tenant()));
        // Never merged: the existing customers are untouched.
        for (String customer : existing.values()) {
            api.call().get("/v1/customers/" + customer).then().statusCode(200).header("ETag", "\"0\"");
        }
    }

    @Test
    void fuzzySkipLeavesLikelyDuplicatesOutAndReportsThem() throws Exception {
        Api api = Api.freshTenant();
        Map<String, String> existing = fuzzyFixture(api);
        String id = post(api, FUZZY_FILE, fuzzyOptions("skip"), null).then().statusCode(202).extract().path("id");
        JsonPath done = await(api, id);
        assertEquals(1, done.getInt("created"));
        assertEquals(3, done.getInt("skipped"));
        List<Map<String, Object>> report = errors(api, id);
        assertEquals(List.of(existing.get("smith"), existing.get("wang")),
                report.stream().map(r -> r.get("duplicateOf")).toList());
        assertTrue(report.get(0).get("reason").toString().contains("not imported"), report.toString());
        assertEquals(3, Db.customers(api.tenant()));
        // Off (the default): exact keys only, both look-alikes are created.
        Api off = Api.freshTenant();
        fuzzyFixture(off);
        JsonPath plain = importAndWait(off, FUZZY_FILE, options("skip", "mapping", ADDRESS_MAPPING));
        assertEquals("off", plain.getString("fuzzy"));
        assertEquals(3, plain.getInt("created"));
        assertEquals(0, errors(off, plain.getString("id")).size());
    }

    @Test
    void badFuzzyOptionIsRejected() {
        Api api = Api.freshTenant();
        post(api, HEADER, options("skip", "fuzzy", "maybe"), null).then().statusCode(422)
                .body("errors.pointer", hasItem("/options/fuzzy"));
        post(api, HEADER, options("create", "fuzzy", "flag"), null).then().statusCode(422)
                .body("errors.pointer", hasItem("/options/fuzzy"));
        assertEquals(0, Db.count("SELECT count(*) FROM customer_import WHERE tenant_id = ?", api.tenant()));
    }
}
