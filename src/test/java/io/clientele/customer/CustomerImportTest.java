package io.clientele.customer;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.customer.imports.ImportFile;
import io.clientele.customer.imports.ImportFormat;
import io.clientele.customer.imports.ImportJob;
import io.clientele.customer.imports.ImportWorker;
import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;

@QuarkusTest
@WithTestResource(InfraResource.class)
class CustomerImportTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String BOM = "\uFEFF";
    static final Map<String, String> MAPPING = Map.of("First", "firstName", "Last", "lastName", "E-mail",
            "emails[0].address", "Phone", "phones[0].number", "Country", "addresses[0].country", "Loyalty",
            "attributes.loyalty", "Stage", "lifecycleStage", "Ref", "externalId");
    static final String HEADER = "First,Last,E-mail,Phone,Country,Loyalty,Stage,Ref\r\n";

    @Inject
    ImportWorker worker;

    static Map<String, Object> options(String policy, Object... more) {
        Map<String, Object> o = new HashMap<>();
        o.put("format", "csv");
        o.put("mapping", MAPPING);
        o.put("defaults", Map.of("kind", "person"));
        o.put("defaultRegion", "GB");
        o.put("duplicatePolicy", policy);
        for (int i = 0; i < more.length; i += 2) {
            o.put((String) more[i], more[i + 1]);
        }
        return o;
    }

    /**
     * A multipart upload. The contract filter cannot see multipart bodies (it reports them missing), so only
     * the response is held to the contract here; the parts themselves are checked by the server's 400/422s.
     */
    static Response post(Api api, String file, Map<String, Object> options, String key) {
        var spec = api.raw().contentType("multipart/form-data")
                .multiPart("file", "customers.csv", file.getBytes(StandardCharsets.UTF_8), "text/csv")
                .multiPart("options", write(options), "application/json");
        if (key != null) {
            spec.header("Idempotency-Key", key);
        }
        return spec.post("/v1/imports");
    }

    static String upload(Api api, String file, Map<String, Object> options) {
        return post(api, file, options, null).then().statusCode(202).extract().path("id");
    }

    static JsonPath await(Api api, String id) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            String status = api.call().get("/v1/imports/" + id).then().statusCode(200).extract().path("status");
            return Set.of("completed", "failed", "cancelled").contains(status);
        });
        return api.call().get("/v1/imports/" + id).then().statusCode(200).extract().jsonPath();
    }

    static JsonPath importAndWait(Api api, String file, Map<String, Object> options) {
        return await(api, upload(api, file, options));
    }

    static List<Map<String, Object>> errors(Api api, String id) {
        return api.call().get("/v1/imports/" + id + "/errors?limit=200").then().statusCode(200).extract()
                .jsonPath().getList("items");
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode lookup(Api api, String query) {
        return read(api.call().get("/v1/customers/lookup?" + query).then().statusCode(200).extract().asString());
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void csvWithBomQuotedCommasNewlinesAndChineseText() {
        Api api = Api.freshTenant();
        String file = BOM + HEADER
                + "Ada,\"Lovelace, Countess\",ada@example.com,020 7946 0018,gb,gold,customer,A-1\r\n"
                + "小明,王,xiaoming@example.cn,+86 10 6552 9988,CN,\"platinum\nplus\",lead,A-2\r\n"
                + "\"Grace \"\"Amazing\"\"\",Hopper,grace@example.com,,US,,,A-3\r\n";
        JsonPath job = importAndWait(api, file, options("skip"));
        assertEquals("completed", job.getString("status"));
        assertEquals(3, job.getInt("totalRows"));
        assertEquals(3, job.getInt("rowsDone"));
        assertEquals(3, job.getInt("created"));
        assertEquals(0, job.getInt("failed"));
        JsonNode ada = lookup(api, "externalId=A-1");
        assertEquals("Lovelace, Countess", ada.get("lastName").asText());
        assertEquals("+442079460018", ada.at("/phones/0/number").asText());
        assertEquals("GB", ada.at("/addresses/0/country").asText());
        assertEquals("customer", ada.get("lifecycleStage").asText());
        assertEquals("gold", ada.at("/attributes/loyalty").asText());
        assertEquals(api.subject(), ada.get("ownerId").asText());
        JsonNode ming = lookup(api, "email=xiaoming@example.cn");
        assertEquals("小明 王", ming.get("displayName").asText());
        assertEquals("+861065529988", ming.at("/phones/0/number").asText());
        assertEquals("platinum\nplus", ming.at("/attributes/loyalty").asText());
        assertEquals("Grace \"Amazing\"", lookup(api, "externalId=A-3").get("firstName").asText());
    }

    @Test
    void ndjsonRowsUseTheCreateBodyShape() {
        Api api = Api.freshTenant();
        String file = "{\"kind\":\"company\",\"name\":\"Acme\",\"externalId\":\"N-1\",\"attributes\":{\"employees\":42}}\n"
                + "\n"
                + "{\"kind\":\"person\",\"firstName\":\"Linus\",\"phones\":[{\"number\":\"030 1234567\"}]}\n"
                + "not json\n"
                + "{\"kind\":\"person\",\"firstName\":\"X\",\"shoeSize\":44}\n";
        String id = api.raw().contentType("multipart/form-data")
                .multiPart("file", "c.ndjson", file.getBytes(StandardCharsets.UTF_8), "application/x-ndjson")
                .multiPart("options", write(Map.of("format", "ndjson", "defaultRegion", "DE")), "application/json")
                .post("/v1/imports").then().statusCode(202).body("format", equalTo("ndjson")).extract().path("id");
        JsonPath job = await(api, id);
        assertEquals(4, job.getInt("totalRows"));
        assertEquals(2, job.getInt("created"));
        assertEquals(2, job.getInt("failed"));
        assertEquals(42, lookup(api, "externalId=N-1").at("/attributes/employees").asInt());
        api.call().queryParam("phone", "+49301234567").get("/v1/customers/lookup").then().statusCode(200)
                .body("firstName", equalTo("Linus"));
        List<Map<String, Object>> errors = errors(api, id);
        assertEquals(3, errors.get(0).get("row"));
        assertEquals(4, errors.get(0).get("line"));
        assertEquals(4, errors.get(1).get("row"));
        assertEquals("/shoeSize", errors.get(1).get("field"));
    }

    @Test
    void rawCsvBodyWithHeaderNamingTheFields() {
        Api api = Api.freshTenant();
        String file = "kind,name,emails[0].address\ncompany,Raw Ltd,raw@example.com\n";
        String id = api.call().contentType("text/csv").body(file.getBytes(StandardCharsets.UTF_8))
                .post("/v1/imports?duplicatePolicy=update&matchOn=email").then().statusCode(202)
                .body("duplicatePolicy", equalTo("update")).extract().path("id");
        assertEquals(1, await(api, id).getInt("created"));
        assertEquals("Raw Ltd", lookup(api, "email=raw@example.com").get("name").asText());
    }

    @Test
    void brokenRowsAreReportedWithRowAndColumnWhileGoodRowsCommit() {
        Api api = Api.freshTenant();
        StringBuilder file = new StringBuilder(HEADER);
        for (int i = 1; i <= 60; i++) {
            if (i == 7) {
                file.append("Bad,Mail,not-an-email,,,,,\r\n");
            } else if (i == 30) {
                file.append("Bad,Stage,s30@example.com,,,,prospect,\r\n");
            } else if (i == 45) {
                file.append("Short,Row\r\n");
            } else {
                file.append("P").append(i).append(",Row,p").append(i).append("@example.com,,,,,\r\n");
            }
        }
        String id = upload(api, file.toString(), options("skip"));
        JsonPath job = await(api, id);
        assertEquals(60, job.getInt("rowsDone"));
        assertEquals(57, job.getInt("created"));
        assertEquals(3, job.getInt("failed"));
        assertEquals(57, Db.customers(api.tenant()));
        List<Map<String, Object>> errors = errors(api, id);
        assertEquals(3, errors.size());
        assertEquals(Map.of("row", 7, "line", 8, "field", "/emails/0/address", "column", "E-mail", "reason",
                "is not a valid email address", "value", "not-an-email"), errors.get(0));
        assertEquals(30, errors.get(1).get("row"));
        assertEquals("Stage", errors.get(1).get("column"));
        assertEquals("prospect", errors.get(1).get("value"));
        assertEquals(45, errors.get(2).get("row"));
        assertTrue(((String) errors.get(2).get("reason")).contains("header has 8"));
        // The same report as a CSV download.
        String csv = api.raw().accept("text/csv").get("/v1/imports/" + id + "/errors").then().statusCode(200)
                .contentType(containsString("text/csv")).extract().asString();
        assertTrue(csv.startsWith("row,line,field,column,reason,value\r\n7,8,\"/emails/0/address\",\"E-mail\""), csv);
        assertEquals(csv, api.raw().get("/v1/imports/" + id + "/errors?format=csv").then().statusCode(200)
                .extract().asString());
    }

    @Test
    void errorReportPagesWithACursor() {
        Api api = Api.freshTenant();
        StringBuilder file = new StringBuilder(HEADER);
        for (int i = 1; i <= 30; i++) {
            file.append("X,Y,bad").append(i).append(",,,,,\r\n");
        }
        String id = upload(api, file.toString(), options("skip"));
        assertEquals(30, await(api, id).getInt("failed"));
        List<Integer> rows = new ArrayList<>();
        String cursor = null;
        do {
            JsonPath page = api.call().get("/v1/imports/" + id + "/errors?limit=7"
                    + (cursor == null ? "" : "&cursor=" + cursor)).then().statusCode(200).extract().jsonPath();
            rows.addAll(page.getList("items.row", Integer.class));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        assertEquals(java.util.stream.IntStream.rangeClosed(1, 30).boxed().toList(), rows);
    }

    @Test
    void skipPolicyLeavesExistingCustomersAndWithinFileDuplicatesAlone() {
        Api api = Api.freshTenant();
        String existing = CustomerApiTest.create(api, CustomerApiTest.person("Old", "Timer", "old@example.com"));
        StringBuilder file = new StringBuilder(HEADER);
        file.append("New,Name,OLD@example.com,,,,,\r\n");
        // The same person twice in the file (and the second copy lands in a later chunk).
        file.append("Twin,One,twin@example.com,,,,,\r\n");
        for (int i = 0; i < 30; i++) {
            file.append("F").append(i).append(",L,f").append(i).append("@example.com,,,,,\r\n");
        }
        file.append("Twin,Two,Twin@Example.com,,,,,\r\n");
        JsonPath job = importAndWait(api, file.toString(), options("skip"));
        assertEquals(2, job.getInt("skipped"));
        assertEquals(31, job.getInt("created"));
        assertEquals(32, Db.customers(api.tenant()));
        api.call().get("/v1/customers/" + existing).then().body("firstName", equalTo("Old")).body("version", equalTo(0));
        assertEquals("One", lookup(api, "email=twin@example.com").get("lastName").asText());
    }

    @Test
    void createPolicyCreatesDuplicatesButNeverReusesAnExternalId() {
        Api api = Api.freshTenant();
        String file = HEADER + "A,One,same@example.com,,,,,X-1\r\nA,Two,same@example.com,,,,,\r\nA,Three,,,,,,X-1\r\n";
        String id = upload(api, file, options("create"));
        JsonPath job = await(api, id);
        assertEquals(2, job.getInt("created"));
        assertEquals(1, job.getInt("failed"));
        assertEquals(2, Db.customers(api.tenant()));
        Map<String, Object> error = errors(api, id).get(0);
        assertEquals(3, error.get("row"));
        assertEquals("/externalId", error.get("field"));
        assertEquals("Ref", error.get("column"));
    }

    @Test
    void updatePolicyUpsertsOnEachNaturalKey() {
        Api api = Api.freshTenant();
        String byExternal = CustomerApiTest.create(api, Map.of("kind", "person", "firstName", "Ext", "externalId",
                "E-1", "attributes", Map.of("keep", "yes")));
        String byEmail = CustomerApiTest.create(api, CustomerApiTest.person("Mail", "Person", "mail@example.com"));
        String byPhone = CustomerApiTest.create(api, Map.of("kind", "person", "firstName", "Phone",
                "phones", List.of(Map.of("number", "+442079460018"))));
        String file = HEADER
                // externalId wins; the email is added to the customer's emails.
                + "Ext,Updated,ext@example.com,,,gold,customer,E-1\r\n"
                + ",,MAIL@example.com,,,silver,,\r\n"
                + ",Phoned,,020 7946 0018,,,,\r\n"
                + "Brand,New,brand@example.com,,,,,E-2\r\n"
                // Matches and changes nothing.
                + ",,mail@example.com,,,silver,,\r\n";
        JsonPath job = importAndWait(api, file, options("update"));
        assertEquals(3, job.getInt("updated"));
        assertEquals(1, job.getInt("created"));
        assertEquals(1, job.getInt("unchanged"));
        assertEquals(0, job.getInt("failed"));
        api.call().get("/v1/customers/" + byExternal).then().statusCode(200)
                .body("lastName", equalTo("Updated")).body("emails[0].address", equalTo("ext@example.com"))
                .body("attributes.keep", equalTo("yes")).body("attributes.loyalty", equalTo("gold"))
                .body("lifecycleStage", equalTo("customer")).body("version", equalTo(1));
        api.call().get("/v1/customers/" + byEmail).then().body("firstName", equalTo("Mail"))
                .body("attributes.loyalty", equalTo("silver")).body("emails.size()", equalTo(1));
        api.call().get("/v1/customers/" + byPhone).then().body("lastName", equalTo("Phoned"));
        // Field-level history with source import, same shape as API changes.
        JsonPath history = api.call().get("/v1/customers/" + byExternal + "/history").then().statusCode(200)
                .extract().jsonPath();
        assertEquals("import", history.getString("items[0].source"));
        assertEquals("update", history.getString("items[0].operation"));
        assertTrue(history.getList("items[0].changes.field").contains("lastName"));
        assertEquals(api.subject(), history.getString("items[0].actor"));
        String created = lookup(api, "externalId=E-2").get("id").asText();
        api.call().get("/v1/customers/" + created + "/history").then()
                .body("items[0].source", equalTo("import")).body("items[0].operation", equalTo("create"));
        assertEquals(4, Db.customers(api.tenant()));
    }

    @Test
    void updateRowsThatBreakTheRulesAreReportedAgainstTheirColumns() {
        Api api = Api.freshTenant();
        CustomerApiTest.create(api, Map.of("kind", "company", "name", "Corp", "externalId", "C-1"));
        String file = HEADER + "Kim,Person,,,,,,C-1\r\n,,,,ZZ,,,C-1\r\n";
        String id = upload(api, file, options("update", "matchOn", List.of("externalId")));
        JsonPath job = await(api, id);
        assertEquals(2, job.getInt("failed"));
        List<Map<String, Object>> errors = errors(api, id);
        assertEquals(1, errors.get(0).get("row"));
        assertEquals(2, errors.get(errors.size() - 1).get("row"));
        assertEquals("Country", errors.get(errors.size() - 1).get("column"));
        assertEquals("/addresses/0/country", errors.get(errors.size() - 1).get("field"));
    }

    @Test
    void badOptionsOrMappingAreRejectedAndNoJobIsCreated() {
        Api api = Api.freshTenant();
        Map<String, Object> bad = options("skip");
        bad.put("mapping", Map.of("First", "nickname", "Missing column", "lastName"));
        var problem = post(api, HEADER + "a,b,c,d,e,f,g,h\r\n", bad, null).then().statusCode(422)
                .body("type", equalTo("https://clientele.io/problems/validation-failed")).extract().jsonPath();
        assertTrue(problem.getList("errors.pointer").containsAll(List.of("/options/mapping/First",
                "/options/mapping/Missing column")), problem.prettify());
        post(api, HEADER, options("sometimes"), null).then().statusCode(422)
                .body("errors.pointer", hasItem("/options/duplicatePolicy"));
        Map<String, Object> noFormat = options("skip");
        noFormat.remove("format");
        post(api, HEADER, noFormat, null).then().statusCode(422).body("errors.pointer", hasItem("/options/format"));
        api.raw().contentType("multipart/form-data")
                .multiPart("file", "x.csv", new byte[] { 'a', '\n', (byte) 0xC3, (byte) 0x28, '\n' }, "text/csv")
                .multiPart("options", write(options("skip")), "application/json")
                .post("/v1/imports").then().statusCode(422)
                .body("type", equalTo("https://clientele.io/problems/invalid-import-file"))
                .body("detail", containsString("line 2"));
        api.raw().contentType("multipart/form-data").multiPart("file", "x.csv", HEADER.getBytes(), "text/csv")
                .multiPart("options", "{\"format\": \"csv\", \"colour\": 1}", "application/json")
                .post("/v1/imports").then().statusCode(400);
        assertEquals(0, Db.count("SELECT count(*) FROM customer_import WHERE tenant_id = ?", api.tenant()));
    }

    @Test
    void reUploadWithTheSameKeyIsTheSameJobAndWithAnotherKeyDoublesNothing() {
        Api api = Api.freshTenant();
        String file = HEADER + "A,B,a@example.com,,,,,R-1\r\nC,D,c@example.com,,,,,R-2\r\n";
        Response first = post(api, file, options("update"), "imp-1");
        first.then().statusCode(202);
        post(api, file, options("update"), "imp-1").then().statusCode(202).header("Idempotent-Replayed", "true")
                .header("Location", first.header("Location")).body("id", equalTo(first.path("id")));
        // Same key, other file: refused.
        post(api, file + "E,F,e@example.com,,,,,\r\n", options("update"), "imp-1").then().statusCode(422)
                .body("type", equalTo("https://clientele.io/problems/idempotency-key-reused"));
        await(api, first.path("id"));
        JsonPath again = await(api, post(api, file, options("update"), "imp-2").then().statusCode(202).extract()
                .path("id"));
        assertEquals(2, again.getInt("unchanged"));
        assertEquals(0, again.getInt("created"));
        assertEquals(2, Db.customers(api.tenant()));
        assertEquals(2, Db.count("SELECT count(*) FROM customer_import WHERE tenant_id = ?", api.tenant()));
    }

    @Test
    void jobsAreTenantScopedAndListed() {
        Api alice = Api.freshTenant();
        Api bob = Api.freshTenant();
        String id = upload(alice, HEADER + "A,B,ab@example.com,,,,,\r\n", options("skip"));
        await(alice, id);
        bob.call().get("/v1/imports/" + id).then().statusCode(404);
        bob.call().get("/v1/imports/" + id + "/errors").then().statusCode(404);
        bob.call().post("/v1/imports/" + id + "/cancel").then().statusCode(404);
        bob.call().get("/v1/imports").then().statusCode(200).body("items.size()", equalTo(0));
        alice.call().get("/v1/imports?filter=status==completed").then().statusCode(200)
                .body("items[0].id", equalTo(id)).body("items[0].rowsPerSecond", org.hamcrest.Matchers.notNullValue());
        Api.freshTenant("sales").call().get("/v1/imports").then().statusCode(403);
        alice.call().post("/v1/imports/" + id + "/cancel").then().statusCode(409);
    }

    @Test
    void oversizeUploadIs413() {
        Api api = Api.freshTenant();
        // The test profile caps uploads at 1 MiB (production: 100 MB).
        byte[] big = new byte[1024 * 1024 + 1];
        java.util.Arrays.fill(big, (byte) 'a');
        api.raw().contentType("text/csv").body(big).post("/v1/imports").then().statusCode(413)
                .body("type", equalTo("https://clientele.io/problems/payload-too-large"));
        // The JSON limit still applies everywhere else.
        api.raw().contentType("application/json").body("{\"kind\":\"person\",\"firstName\":\"" + "x".repeat(300_000)
                + "\"}").post("/v1/customers").then().statusCode(413);
    }

    @Test
    void aChunkEventAndImportCompletedReachKafka() throws Exception {
        Api api = Api.freshTenant();
        try (KafkaConsumer<String, String> customers = consumer("clientele.customers");
                KafkaConsumer<String, String> imports = consumer("clientele.imports")) {
            String id = post(api, HEADER + "E,One,e1@example.com,,,,,\r\nE,Two,e2@example.com,,,,,\r\n",
                    options("skip"), null).then().statusCode(202).extract().path("id");
            await(api, id);
            JsonNode chunk = poll(customers, api.tenant(), 1).get(0);
            assertEquals("customer.imported", chunk.get("type").asText());
            assertEquals(id, chunk.at("/data/importId").asText());
            assertEquals(List.of("created", "created"), List.of(chunk.at("/data/rows/0/action").asText(),
                    chunk.at("/data/rows/1/action").asText()));
            Set<String> listed = new TreeSet<>();
            chunk.at("/data/rows").forEach(r -> listed.add(r.get("customerId").asText()));
            assertEquals(customerIds(api.tenant()), listed);
            JsonNode done = poll(imports, api.tenant(), 1).get(0);
            assertEquals("import.completed", done.get("type").asText());
            assertEquals(id, done.get("subject").asText());
            assertEquals("/tenants/" + api.tenant() + "/imports", done.get("source").asText());
            assertEquals(2, done.at("/data/import/created").asInt());
            assertEquals("completed", done.at("/data/import/status").asText());
        }
    }

    /**
     * A worker that dies after committing two chunks: its lease expires, another worker resumes at the third
     * chunk, and the result equals a single run of the same file, with nothing written twice.
     */
    @Test
    void aCrashedJobResumesFromTheLastCommittedChunk() throws Exception {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 0; i < 120; i++) {
            csv.append("R").append(i).append(",Resume,r").append(i % 100).append("@example.com,,,,,")
                    .append(i == 50 ? "\r\n" : "\r\n");
        }
        csv.append("Bad,Row,nope,,,,,\r\n");
        String file = csv.toString();
        Api single = Api.freshTenant();
        JsonPath expected = importAndWait(single, file, options("skip"));

        Api crashed = Api.freshTenant();
        UUID id = insertHeldJob(crashed, file);
        // The "test-worker" commits two chunks, then dies (its lease is simply left to expire).
        ImportJob held = jobHeldBy(id, "test-worker", crashed);
        assertEquals(ImportWorker.Step.MORE, worker.step(held).await().indefinitely());
        assertEquals(ImportWorker.Step.MORE, worker.step(held).await().indefinitely());
        assertEquals(50, Db.customers(crashed.tenant()));
        assertEquals(50, Db.count("SELECT rows_done FROM customer_import WHERE id = ?", id));
        try (var c = Db.connect(); var expire = c.prepareStatement(
                "UPDATE customer_import SET lease_until = now() - interval '1 second' WHERE id = ?")) {
            expire.setObject(1, id);
            expire.executeUpdate();
        }
        JsonPath resumed = await(crashed, id.toString());
        for (String count : List.of("totalRows", "rowsDone", "created", "skipped", "failed", "updated")) {
            assertEquals(expected.getInt(count), resumed.getInt(count), count);
        }
        assertEquals(100, Db.customers(crashed.tenant()));
        assertEquals(emails(single.tenant()), emails(crashed.tenant()));
        assertEquals(100, Db.count("SELECT count(*) FROM change_history WHERE tenant_id = ?", crashed.tenant()));
        assertEquals(1, Db.count("SELECT count(*) FROM customer_import_error WHERE import_id = ?", id));
        // The zombie worker, should it wake up, finds the job is no longer its own and writes nothing.
        assertEquals(ImportWorker.Step.STOP, worker.step(held).await().indefinitely());
    }

    /** A job as a worker holding its lease (for an hour) would see it: nothing processed yet. */
    static UUID insertHeldJob(Api crashed, String file) throws Exception {
        ImportFile parsed = ImportFile.read(file.getBytes(StandardCharsets.UTF_8), ImportFormat.CSV, 25);
        UUID id = UUID.randomUUID();
        try (var c = Db.connect()) {
            try (PreparedStatement job = c.prepareStatement("""
                    INSERT INTO customer_import (id, tenant_id, status, format, options, header, file_bytes, file_sha256,
                        total_rows, total_chunks, lease_owner, lease_until, created_by, version, created_at, updated_at,
                        started_at)
                    VALUES (?, ?, 'running', 'csv', CAST(? AS jsonb), ?, ?, ?, ?, ?, 'test-worker',
                            now() + interval '1 hour', ?, 0, now(), now(), now())
                    """)) {
                job.setObject(1, id);
                job.setString(2, crashed.tenant());
                job.setString(3, write(options("skip")));
                job.setArray(4, c.createArrayOf("text", parsed.header().toArray()));
                job.setLong(5, parsed.bytes());
                job.setString(6, parsed.sha256());
                job.setInt(7, parsed.totalRows());
                job.setInt(8, parsed.chunks().size());
                job.setString(9, crashed.subject());
                job.executeUpdate();
            }
            for (ImportFile.Chunk chunk : parsed.chunks()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO customer_import_chunk VALUES (?, ?, ?, ?, ?, ?)")) {
                    ps.setObject(1, id);
                    ps.setInt(2, chunk.no());
                    ps.setInt(3, chunk.firstRow());
                    ps.setInt(4, chunk.firstLine());
                    ps.setInt(5, chunk.rowCount());
                    ps.setBytes(6, chunk.data());
                    ps.executeUpdate();
                }
            }
        }
        return id;
    }

    @Test
    void cancellingARunningJobKeepsWhatWasCommittedAndStopsTheWorker() throws Exception {
        Api api = Api.freshTenant();
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 0; i < 60; i++) {
            csv.append("C").append(i).append(",Cancel,c").append(i).append("@example.com,,,,,\r\n");
        }
        UUID id = insertHeldJob(api, csv.toString());
        ImportJob held = jobHeldBy(id, "test-worker", api);
        assertEquals(ImportWorker.Step.MORE, worker.step(held).await().indefinitely());
        api.call().post("/v1/imports/" + id + "/cancel").then().statusCode(200)
                .body("status", equalTo("cancelled")).body("rowsDone", equalTo(25)).body("created", equalTo(25));
        assertEquals(ImportWorker.Step.STOP, worker.step(held).await().indefinitely());
        assertEquals(25, Db.customers(api.tenant()));
        assertEquals(0, Db.count("SELECT count(*) FROM customer_import_chunk WHERE import_id = ?", id));
        api.call().post("/v1/imports/" + id + "/cancel").then().statusCode(409);
    }

    static ImportJob jobHeldBy(UUID id, String owner, Api api) {
        var mapping = io.clientele.customer.imports.ImportMapping.of(JSON.convertValue(options("skip"),
                io.clientele.customer.imports.ImportOptions.class), List.of(HEADER.strip().split(",")));
        return new ImportJob(id, new io.clientele.platform.security.Caller(api.tenant(), api.subject(), null,
                Set.of()), "resume-test", mapping, owner);
    }

    static Set<String> customerIds(String tenant) throws Exception {
        Set<String> out = new TreeSet<>();
        try (var c = Db.connect(); var ps = c.prepareStatement("SELECT id::text FROM customer WHERE tenant_id = ?")) {
            ps.setString(1, tenant);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    static Set<String> emails(String tenant) throws Exception {
        Set<String> out = new TreeSet<>();
        try (var c = Db.connect(); var ps = c.prepareStatement(
                "SELECT unnest(email_keys) FROM customer WHERE tenant_id = ?")) {
            ps.setString(1, tenant);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    static KafkaConsumer<String, String> consumer(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, InfraResource.kafka().bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    static List<JsonNode> poll(KafkaConsumer<String, String> consumer, String tenant, int expected) {
        List<JsonNode> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (out.size() < expected && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                JsonNode event = read(r.value());
                if (tenant.equals(event.get("tenantid").asText())) {
                    out.add(event);
                }
            }
        }
        assertEquals(expected, out.size(), "events for tenant " + tenant);
        return out;
    }
}
