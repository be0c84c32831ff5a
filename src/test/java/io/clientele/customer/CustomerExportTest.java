package io.clientele.customer;

import static io.clientele.customer.CustomerApiTest.create;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;

@QuarkusTest
@WithTestResource(InfraResource.class)
class CustomerExportTest {

    private static final String P = "https://clientele.io/problems/";
    private static final String EXPORT = "/v1/customers/export";
    private static final List<String> HEADER = List.of("id", "kind", "displayName", "firstName", "lastName", "name",
            "companyId", "primaryEmail", "emails", "primaryPhone", "phones", "address.label", "address.line1",
            "address.line2", "address.city", "address.region", "address.postalCode", "address.country", "ownerId",
            "lifecycleStage", "externalId", "tags", "attributes", "createdAt", "updatedAt", "version");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void csvHasAHeaderAndOneFlattenedRecordPerCustomer() throws IOException {
        Api api = Api.freshTenant();
        String ada = create(api, Map.of("kind", "person", "firstName", "Ada", "lastName", "Lovelace",
                "emails", List.of(Map.of("address", "ada@example.com", "label", "work"),
                        Map.of("address", "ada@home.example", "primary", true)),
                "phones", List.of(Map.of("number", "+442079460958"), Map.of("number", "+33142685300")),
                "addresses", List.of(Map.of("line1", "12 St James's Square", "city", "London",
                        "postalCode", "SW1Y 4JH", "country", "GB"), Map.of("city", "Paris", "country", "FR")),
                "attributes", Map.of("tier", "gold", "score", 42),
                "externalId", "crm-1", "lifecycleStage", "customer"));
        String acme = create(api, Map.of("kind", "company", "name", "Acme, Inc."));
        for (String tag : List.of("VIP", "partner")) {
            String id = api.call().body(Map.of("name", tag)).post("/v1/tags").then().statusCode(201)
                    .extract().path("id");
            api.call().body(Map.of("customerIds", List.of(ada))).post("/v1/tags/" + id + "/assignments")
                    .then().statusCode(200);
        }

        Response response = api.call().queryParam("format", "csv").get(EXPORT);
        response.then().statusCode(200)
                .contentType(startsWith("text/csv"))
                .header("Content-Disposition", matchesPattern("attachment; filename=\"customers-\\d{8}T\\d{6}Z\\.csv\""))
                .header("X-Request-Id", notNullValue());
        assertEquals(List.of("text/csv; charset=UTF-8"), response.headers().getValues("Content-Type"));
        assertEquals(List.of("no-store"), response.headers().getValues("Cache-Control"));
        String body = new String(response.asByteArray(), StandardCharsets.UTF_8);
        assertTrue(body.endsWith("\r\n"), "every record ends with CRLF");
        assertTrue(body.contains("\"Acme, Inc.\""), "a field with a comma is quoted");
        List<List<String>> records = parseCsv(body);
        assertEquals(HEADER, records.get(0));
        assertEquals(3, records.size());

        Map<String, String> a = record(records, 1);
        JsonNode read = JSON.readTree(api.call().get("/v1/customers/" + ada).then().statusCode(200)
                .extract().asString());
        assertEquals(ada, a.get("id"));
        assertEquals("person", a.get("kind"));
        assertEquals("Ada Lovelace", a.get("displayName"));
        assertEquals("Ada", a.get("firstName"));
        assertEquals("Lovelace", a.get("lastName"));
        assertEquals("", a.get("name"));
        assertEquals("", a.get("companyId"));
        assertEquals("ada@home.example", a.get("primaryEmail"));
        assertEquals("ada@example.com;ada@home.example", a.get("emails"));
        // E.164 numbers start with '+': neutralised like every other cell (see docs/export.md).
        assertEquals("'+442079460958", a.get("primaryPhone"));
        assertEquals("'+442079460958;+33142685300", a.get("phones"));
        assertEquals("", a.get("address.label"));
        assertEquals("12 St James's Square", a.get("address.line1"));
        assertEquals("London", a.get("address.city"));
        assertEquals("SW1Y 4JH", a.get("address.postalCode"));
        assertEquals("GB", a.get("address.country"));
        assertEquals(api.subject(), a.get("ownerId"));
        assertEquals("customer", a.get("lifecycleStage"));
        assertEquals("crm-1", a.get("externalId"));
        assertEquals("partner;VIP", a.get("tags"));
        assertEquals(JSON.readTree("{\"tier\":\"gold\",\"score\":42}"), JSON.readTree(a.get("attributes")));
        assertEquals(read.get("createdAt").asText(), a.get("createdAt"));
        assertEquals(read.get("updatedAt").asText(), a.get("updatedAt"));
        assertEquals(read.get("version").asText(), a.get("version"));

        Map<String, String> c = record(records, 2);
        assertEquals(acme, c.get("id"));
        assertEquals("Acme, Inc.", c.get("name"));
        assertEquals("", c.get("primaryEmail"));
        assertEquals("", c.get("tags"));
        assertEquals("{}", c.get("attributes"));
    }

    @Test
    void ndjsonLinesAreExactlyTheReadRepresentation() throws IOException {
        Api api = Api.freshTenant();
        String ada = create(api, Map.of("kind", "person", "firstName", "Ada", "lastName", "Lovelace",
                "emails", List.of(Map.of("address", "ada@example.com")),
                "phones", List.of(Map.of("number", "020 7946 0958", "region", "GB")),
                "addresses", List.of(Map.of("city", "London", "country", "GB")),
                "attributes", Map.of("formula", "=1+2", "n", -3.5, "nested", Map.of("a", List.of(1, 2)))));
        String acme = create(api, Map.of("kind", "company", "name", "Acme \"Quoted\", Inc."));

        // Accept chooses the format when no format parameter is given.
        Response response = api.call().accept("application/x-ndjson").get(EXPORT);
        response.then().statusCode(200).contentType(startsWith("application/x-ndjson"))
                .header("Content-Disposition", matchesPattern("attachment; filename=\"customers-\\d{8}T\\d{6}Z\\.ndjson\""));
        String body = response.asString();
        assertTrue(body.endsWith("\n"));
        List<String> lines = body.lines().toList();
        assertEquals(2, lines.size());
        // The read is held to the Customer schema of the contract; the lines equal it, and NDJSON changes no value.
        for (int i = 0; i < 2; i++) {
            String id = List.of(ada, acme).get(i);
            JsonNode read = JSON.readTree(api.call().get("/v1/customers/" + id).then().statusCode(200)
                    .extract().asString());
            assertEquals(read, JSON.readTree(lines.get(i)));
        }

        List<String> sparse = api.call().queryParam("format", "ndjson").queryParam("fields", "displayName")
                .get(EXPORT).then().statusCode(200).extract().asString().lines().toList();
        assertEquals(JSON.readTree("{\"id\":\"" + ada + "\",\"displayName\":\"Ada Lovelace\"}"),
                JSON.readTree(sparse.get(0)));
        api.call().queryParam("format", "ndjson").queryParam("fields", "primaryEmail").get(EXPORT)
                .then().statusCode(400).body("type", equalTo(P + "invalid-parameter"));
    }

    @Test
    void filterSortAndFieldsApplyWithinTheTenantAndDeletedCustomersAreLeftOut() {
        Api api = Api.freshTenant();
        String alice = create(api, Map.of("kind", "company", "name", "Alice", "lifecycleStage", "customer",
                "attributes", Map.of("score", -3.5)));
        String bob = create(api, Map.of("kind", "company", "name", "Bob", "lifecycleStage", "customer",
                "attributes", Map.of("score", 7)));
        String carol = create(api, Map.of("kind", "company", "name", "Carol", "lifecycleStage", "lead"));
        String dora = create(api, Map.of("kind", "company", "name", "Dora", "lifecycleStage", "customer"));
        api.call().header("If-Match", "*").delete("/v1/customers/" + dora).then().statusCode(204);
        Api other = Api.freshTenant();
        String theirs = create(other, Map.of("kind", "company", "name", "Alice", "lifecycleStage", "customer"));

        String csv = api.call().queryParam("filter", "lifecycleStage==customer").queryParam("sort", "-displayName")
                .queryParam("fields", "displayName,attributes.score,attributes.missing").get(EXPORT)
                .then().statusCode(200).extract().asString();
        assertEquals("id,displayName,attributes.score,attributes.missing\r\n"
                + bob + ",Bob,7,\r\n"
                + alice + ",Alice,-3.5,\r\n", csv);

        List<String> all = parseCsv(api.call().get(EXPORT).then().statusCode(200).extract().asString()).stream()
                .skip(1).map(r -> r.get(0)).toList();
        assertEquals(List.of(alice, bob, carol), all);
        List<String> theirExport = other.call().queryParam("format", "ndjson").get(EXPORT).then().statusCode(200)
                .extract().asString().lines().map(l -> l.substring(7, 43)).toList();
        assertEquals(List.of(theirs), theirExport);

        // The filter grammar is the list's, tags included.
        String vip = api.call().body(Map.of("name", "vip")).post("/v1/tags").then().statusCode(201)
                .extract().path("id");
        api.call().body(Map.of("customerIds", List.of(carol))).post("/v1/tags/" + vip + "/assignments")
                .then().statusCode(200);
        assertEquals("id,tags\r\n" + carol + ",vip\r\n", api.call().queryParam("filter", "tag==VIP")
                .queryParam("fields", "tags").get(EXPORT).then().statusCode(200).extract().asString());
        assertEquals("id\r\n", api.call().queryParam("filter", "displayName==nobody").queryParam("fields", "id")
                .get(EXPORT).then().statusCode(200).extract().asString());
        assertEquals("", api.call().queryParam("filter", "displayName==nobody").queryParam("format", "ndjson")
                .get(EXPORT).then().statusCode(200).extract().asString());
    }

    @Test
    void quotesCommasQuotesAndLineBreaksAndKeepsUnicode() {
        Api api = Api.freshTenant();
        String wei = create(api, Map.of("kind", "person", "firstName", "伟", "lastName", "张",
                "attributes", Map.of("note", "line one\nline two\r\nline three", "city", "北京市")));
        String quoted = create(api, Map.of("kind", "company", "name", "He said \"hi\", twice",
                "attributes", Map.of("note", "plain")));
        byte[] bytes = api.call().queryParam("fields", "displayName,attributes.note,attributes.city").get(EXPORT)
                .then().statusCode(200).extract().asByteArray();
        String body = new String(bytes, StandardCharsets.UTF_8);
        assertEquals("id,displayName,attributes.note,attributes.city\r\n"
                + wei + ",伟 张,\"line one\nline two\r\nline three\",北京市\r\n"
                + quoted + ",\"He said \"\"hi\"\", twice\",plain,\r\n", body);
        List<List<String>> records = parseCsv(body);
        assertEquals("line one\nline two\r\nline three", records.get(1).get(2));
        assertEquals("He said \"hi\", twice", records.get(2).get(1));
    }

    @Test
    void cellsThatSpreadsheetsWouldEvaluateAreNeutralised() throws IOException {
        Api api = Api.freshTenant();
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("eq", "=1+2");
        attributes.put("plus", "+1");
        attributes.put("minus", "-1");
        attributes.put("at", "@SUM(A1:A9)");
        attributes.put("tab", "\t=1+2");
        attributes.put("cr", "\r=1+2");
        attributes.put("inner", "a=b");
        attributes.put("negativeNumber", -42);
        attributes.put("negativeText", "-42");
        String id = create(api, Map.of("kind", "company", "name", "=HYPERLINK(\"http://evil.example\",\"x\")",
                "externalId", "@crm", "attributes", attributes));
        List<String> columns = attributes.keySet().stream().map(k -> "attributes." + k).toList();
        String body = api.call().queryParam("fields", "name,externalId," + String.join(",", columns)).get(EXPORT)
                .then().statusCode(200).extract().asString();
        assertTrue(body.contains(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\","), body);
        Map<String, String> r = record(parseCsv(body), 1);
        assertEquals("'=HYPERLINK(\"http://evil.example\",\"x\")", r.get("name"));
        assertEquals("'@crm", r.get("externalId"));
        assertEquals("'=1+2", r.get("attributes.eq"));
        assertEquals("'+1", r.get("attributes.plus"));
        assertEquals("'-1", r.get("attributes.minus"));
        assertEquals("'@SUM(A1:A9)", r.get("attributes.at"));
        assertEquals("'\t=1+2", r.get("attributes.tab"));
        assertEquals("'\r=1+2", r.get("attributes.cr"));
        assertEquals("a=b", r.get("attributes.inner"));
        assertEquals("-42", r.get("attributes.negativeNumber"), "a JSON number is a number, not a formula");
        assertEquals("'-42", r.get("attributes.negativeText"), "text is neutralised even when it looks numeric");

        String line = api.call().queryParam("format", "ndjson").get(EXPORT).then().statusCode(200).extract()
                .asString().strip();
        JsonNode customer = JSON.readTree(line);
        assertEquals(id, customer.get("id").asText());
        assertEquals("=HYPERLINK(\"http://evil.example\",\"x\")", customer.get("name").asText());
        assertEquals("=1+2", customer.at("/attributes/eq").asText(), "NDJSON values are never changed");
    }

    @Test
    void aByteOrderMarkOnRequest() {
        Api api = Api.freshTenant();
        create(api, Map.of("kind", "company", "name", "Ünïcode GmbH"));
        byte[] plain = api.call().get(EXPORT).then().statusCode(200).extract().asByteArray();
        assertEquals("id,kind", new String(plain, 0, 7, StandardCharsets.UTF_8));
        byte[] bom = api.call().queryParam("bom", "true").get(EXPORT).then().statusCode(200).extract().asByteArray();
        assertArrayEquals(new byte[] { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF }, Arrays.copyOf(bom, 3));
        assertEquals(new String(plain, StandardCharsets.UTF_8).substring(0, 100),
                new String(bom, 3, bom.length - 3, StandardCharsets.UTF_8).substring(0, 100));
        api.call().queryParam("bom", "true").queryParam("format", "ndjson").get(EXPORT).then().statusCode(400)
                .body("type", equalTo(P + "invalid-parameter"));
        api.call().queryParam("bom", "yes").get(EXPORT).then().statusCode(400)
                .body("type", equalTo(P + "invalid-parameter")).body("detail", equalTo("bom must be true or false"));
    }

    @Test
    void badParametersAreProblemsBeforeAnyByteIsSent() {
        Api api = Api.freshTenant();
        create(api, Map.of("kind", "company", "name", "Acme"));
        api.call().queryParam("format", "xlsx").get(EXPORT).then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo(P + "invalid-parameter")).body("detail", equalTo("format must be csv or ndjson"));
        String filter = "lifecycleStage==prospect;nope==1";
        Response list = api.call().queryParam("filter", filter).get("/v1/customers");
        list.then().statusCode(400).body("type", equalTo(P + "invalid-filter"));
        api.call().queryParam("filter", filter).get(EXPORT).then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo(P + "invalid-filter")).body("detail", equalTo(list.path("detail")));
        api.call().queryParam("sort", "emails").get(EXPORT).then().statusCode(400)
                .body("type", equalTo(P + "invalid-sort"));
        api.call().queryParam("fields", "displayName,password").get(EXPORT).then().statusCode(400)
                .body("type", equalTo(P + "invalid-parameter"));
        api.call().queryParam("fields", "attributes.1x").get(EXPORT).then().statusCode(400)
                .body("type", equalTo(P + "invalid-parameter"));
        // Accept admitting neither format: the validator flags such a request itself, so it goes out raw.
        api.raw().accept("application/json").get(EXPORT).then().statusCode(406)
                .contentType("application/problem+json").body("type", equalTo(P + "not-acceptable"));
        api.call().accept("text/csv;q=0.5, application/x-ndjson").get(EXPORT).then().statusCode(200)
                .contentType(startsWith("application/x-ndjson"));
        api.call().accept("text/*").get(EXPORT).then().statusCode(200).contentType(startsWith("text/csv"));
        // An explicit format wins over Accept.
        api.call().accept("text/csv").queryParam("format", "ndjson").get(EXPORT).then().statusCode(200)
                .contentType(startsWith("application/x-ndjson"));
    }

    @Test
    void exportingNeedsItsOwnPermission() {
        Api admin = Api.freshTenant("admin");
        create(admin, Map.of("kind", "company", "name", "Acme"));
        admin.as("a-manager", "manager").call().get(EXPORT).then().statusCode(200);
        for (String role : List.of("sales", "agent", "integration", "read-only")) {
            admin.as("someone", role).call().get(EXPORT).then().statusCode(403)
                    .contentType("application/problem+json").body("type", equalTo(P + "forbidden"));
        }
        Api.anonymous().get(EXPORT).then().statusCode(401).body("type", equalTo(P + "unauthorized"));
    }

    @Test
    void aLargerExportArrivesCompleteAndInOrder() throws IOException {
        Api api = Api.freshTenant();
        // Pairs share a creation time, so the id tie-breaker decides their order.
        bulk(api.tenant(), 5000, 0);
        List<String> expected = Db.strings("SELECT CAST(id AS text) FROM customer WHERE tenant_id = ?"
                + " ORDER BY created_at, id", api.tenant());
        assertEquals(5000, expected.size());

        String csv = api.call().get(EXPORT).then().statusCode(200).extract().asString();
        List<List<String>> records = parseCsv(csv);
        assertEquals(5001, records.size());
        assertEquals(expected, records.stream().skip(1).map(r -> r.get(0)).toList());
        assertEquals("bulk1@example.com", record(records, 1).get("primaryEmail"));
        assertTrue(records.stream().allMatch(r -> r.size() == HEADER.size()));

        List<String> lines = api.call().queryParam("format", "ndjson").get(EXPORT).then().statusCode(200)
                .extract().asString().lines().toList();
        assertEquals(5000, lines.size());
        List<String> ids = new ArrayList<>();
        for (String line : lines) {
            ids.add(JSON.readTree(line).get("id").asText());
        }
        assertEquals(expected, ids);
        List<String> descending = parseCsv(api.call().queryParam("sort", "-createdAt").queryParam("fields", "id")
                .get(EXPORT).then().statusCode(200).extract().asString()).stream().skip(1).map(r -> r.get(0)).toList();
        assertEquals(Db.strings("SELECT CAST(id AS text) FROM customer WHERE tenant_id = ?"
                + " ORDER BY created_at DESC, id", api.tenant()), descending);
    }

    @Test
    void aClientThatLeavesFreesTheCursorTheConnectionAndTheSlot() throws IOException {
        Api api = Api.freshTenant();
        // ~24 MB of CSV: far more than socket buffers hold, so exports stay open while nobody reads.
        bulk(api.tenant(), 3000, 8000);
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket socket = startExport(api, "format=csv");
                assertTrue(readHead(socket.getInputStream()).startsWith("HTTP/1.1 200"));
                open.add(socket);
            }
            awaitExportBackends(4);
            api.call().get(EXPORT).then().statusCode(503).contentType("application/problem+json")
                    .body("type", equalTo(P + "service-unavailable")).header("Retry-After", notNullValue());
        } finally {
            for (Socket socket : open) {
                socket.close();
            }
        }
        awaitExportBackends(0);
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> api.call().queryParam("fields", "id").get(EXPORT).statusCode() == 200);
    }

    @Test
    void aFailureAfterTheFirstByteBreaksTheTransferInsteadOfEndingIt() throws IOException {
        Api api = Api.freshTenant();
        bulk(api.tenant(), 3000, 8000);
        awaitExportBackends(0);
        try (Socket socket = startExport(api, "format=ndjson")) {
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(head.toLowerCase().contains("transfer-encoding: chunked"), head);
            in.readNBytes(64 * 1024);
            awaitExportBackends(1);
            // The database connection of the export dies mid-stream.
            assertEquals(1, Db.strings("SELECT CAST(pg_terminate_backend(pid) AS text) FROM pg_stat_activity"
                    + " WHERE query LIKE '%customer-export%' AND pid <> pg_backend_pid()"
                    + " AND state IN ('active', 'idle in transaction')").size());
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            boolean reset = false;
            try {
                in.transferTo(rest);
            } catch (IOException e) {
                reset = true; // connection reset: as good as a close without the final chunk
            }
            String tail = rest.toString(StandardCharsets.UTF_8);
            assertFalse(tail.endsWith("\r\n0\r\n\r\n"), "the chunked body must not end normally");
            assertTrue(reset || tail.length() < 3000L * 8000, "the transfer stopped early");
        }
        awaitExportBackends(0);
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    /** {@code n} customers straight into the database, with a {@code blob} attribute of that many characters. */
    private static void bulk(String tenant, int n, int blob) {
        int inserted = Db.execute("""
                INSERT INTO customer (id, tenant_id, kind, display_name, first_name, last_name, contacts, email_keys,
                                      attributes, owner_id, lifecycle_stage, version, created_at, updated_at)
                SELECT gen_random_uuid(), ?, 'person', 'Bulk ' || g, 'Bulk', CAST(g AS text),
                       jsonb_build_object('emails', jsonb_build_array(jsonb_build_object(
                           'address', 'bulk' || g || '@example.com', 'primary', true))),
                       ARRAY['bulk' || g || '@example.com'],
                       jsonb_build_object('n', g, 'blob', repeat('x', ?)), 'owner', 'lead', 0,
                       timestamptz '2025-01-01 00:00:00Z' + (g / 2) * interval '1 second',
                       timestamptz '2025-01-01 00:00:00Z' + (g / 2) * interval '1 second'
                  FROM generate_series(1, ?) g
                """, tenant, blob, n);
        assertEquals(n, inserted);
    }

    /** A raw request with a small receive buffer, so the server feels it when nobody reads. */
    private static Socket startExport(Api api, String query) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(16 * 1024);
        socket.setSoTimeout(30_000);
        socket.connect(new InetSocketAddress("127.0.0.1", RestAssured.port), 5_000);
        String request = "GET " + EXPORT + "?" + query + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + api.token() + "\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the response head: " + head);
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                    ? state + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Waits until exactly {@code n} database sessions are in the middle of an export. */
    private static void awaitExportBackends(int n) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> Db.count("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%customer-export%'"
                        + " AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')") == n);
    }

    private static Map<String, String> record(List<List<String>> records, int index) {
        Map<String, String> byName = new LinkedHashMap<>();
        List<String> header = records.get(0);
        for (int i = 0; i < header.size(); i++) {
            byName.put(header.get(i), records.get(index).get(i));
        }
        return byName;
    }

    /** A strict RFC 4180 reader: CRLF record ends, quoted fields with doubled quotes. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    field.append(ch);
                }
            } else if (ch == '"') {
                if (field.length() > 0 || wasQuoted) {
                    throw new IllegalArgumentException("quote inside an unquoted field at " + i);
                }
                quoted = true;
                wasQuoted = true;
            } else if (ch == ',') {
                fields.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                fields.add(field.toString());
                records.add(fields);
                fields = new ArrayList<>();
                field.setLength(0);
                wasQuoted = false;
                i++;
            } else if (ch == '\r' || ch == '\n') {
                throw new IllegalArgumentException("bare line break outside quotes at " + i);
            } else {
                field.append(ch);
            }
        }
        if (quoted || field.length() > 0 || !fields.isEmpty()) {
            throw new IllegalArgumentException("the last record does not end with CRLF");
        }
        return records;
    }
}
