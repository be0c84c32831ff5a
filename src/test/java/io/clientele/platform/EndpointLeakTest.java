package io.clientele.platform;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.clientele.testinfra.InfraResource;
import io.clientele.testinfra.TestRealm;
import io.clientele.testing.Api;
import io.clientele.testing.Contract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Walks every operation of openapi/openapi.yaml (nothing is listed by hand, so a new endpoint is walked the day it
 * enters the contract) and proves that no record or field leaks:
 * <ul>
 * <li>a caller of another tenant, with every operation and method, filled with this tenant's ids, never gets a
 * 2xx nor any of this tenant's ids or marker strings back;</li>
 * <li>every role of the tenant reads every GET operation, and a role that sees only its own customers
 * ({@code own-sales}, test profile) never gets a hidden customer's id or marker strings back, and no role
 * without {@code customers:read-sensitive} gets a sensitive field's value back;</li>
 * <li>nothing answers 5xx, and every answer is one the contract describes.</li>
 * </ul>
 * Path parameters are filled with an id from the record collection the path belongs to (created below, or the
 * first item of {@code GET /v1/<collection>}), so reads reach real records rather than bouncing off 404s.
 */
@QuarkusTest
@WithTestResource(InfraResource.class)
class EndpointLeakTest {

    private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    @Test
    void noOperationLeaksRecordsAcrossTenantsOrVisibility() throws IOException {
        JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(Contract.SPEC));
        Api admin = Api.freshTenant();
        // Marks the hidden customers' fields; the tenant's other records (tag, segment, team) carry tenantMark.
        String marker = "leakmark" + UUID.randomUUID().toString().substring(0, 8);
        String tenantMark = "tenantmark" + UUID.randomUUID().toString().substring(0, 8);
        String hidden = create(admin, Map.of("kind", "person", "firstName", marker,
                "lastName", "Hidden", "ownerId", "zoe", "externalId", marker + "-ext",
                "emails", List.of(Map.of("address", marker + "@hidden.example")),
                "phones", List.of(Map.of("number", "+442079460001"))));
        String company = create(admin, Map.of("kind", "company", "name", marker + " Ltd",
                "ownerId", "zoe"));
        // A customer the own-sales caller does see, with sensitive values only customers:read-sensitive may read.
        String sensitiveMark = "sensmark" + UUID.randomUUID().toString().substring(0, 8);
        create(admin, Map.of("kind", "person", "firstName", "Open", "lastName", "Sensitive", "ownerId", "sam",
                "sensitive", Map.of("nationalId", sensitiveMark + "-id", "privateNotes", sensitiveMark + " notes")));
        String tag = admin.call().body(Map.of("name", tenantMark + "-tag")).post("/v1/tags").then().statusCode(201)
                .extract().path("id");
        admin.call().body(Map.of("customerIds", List.of(hidden))).post("/v1/tags/" + tag + "/assignments")
                .then().statusCode(200);
        admin.call().body(Map.of("name", tenantMark + " segment", "filter", "ownerId==zoe")).post("/v1/segments")
                .then().statusCode(201);
        admin.call().body(Map.of("name", tenantMark + " team")).post("/v1/teams").then().statusCode(201);

        Fixtures fixtures = new Fixtures(admin, Map.of("customers", hidden));
        List<String> tenantSecrets = List.of(hidden, company, tag, marker, tenantMark, sensitiveMark);
        List<String> customerSecrets = List.of(hidden, company, marker);
        List<String> problems = new ArrayList<>();
        int calls = 0;

        // 1. Another tenant, every operation.
        Api stranger = Api.freshTenant();
        for (Operation op : operations(spec)) {
            String path = fixtures.fill(op.path());
            if (path == null) {
                continue;
            }
            Response response = send(stranger, op, path, marker);
            calls++;
            check(problems, "foreign tenant", op, path, response, tenantSecrets);
            if (fixtures.namesTenantRecord(path) && response.statusCode() < 300) {
                problems.add("foreign tenant got " + response.statusCode() + " from " + op + " " + path);
            }
        }

        // 2. Every role of the tenant reads every GET operation; own-sales must not see zoe's customers.
        List<String> roles = new ArrayList<>(TestRealm.ROLES);
        roles.add("own-sales");
        for (String role : roles) {
            Api caller = admin.as("sam", role);
            for (Operation op : operations(spec)) {
                if (!op.method().equals("get")) {
                    continue;
                }
                String path = fixtures.fill(op.path());
                if (path == null) {
                    continue;
                }
                Response response = send(caller, op, path, marker);
                calls++;
                List<String> secrets = new ArrayList<>();
                if (role.equals("own-sales")) {
                    secrets.addAll(customerSecrets);
                }
                if (!role.equals("admin")) {
                    secrets.add(sensitiveMark); // only admin holds customers:read-sensitive
                }
                check(problems, role, op, path, response, secrets);
                if (role.equals("own-sales") && path.contains(hidden) && response.statusCode() < 300) {
                    problems.add("own-sales got " + response.statusCode() + " from " + op + " " + path);
                }
            }
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " leak(s) or broken answer(s) in " + calls + " calls:\n" + String.join("\n", problems));
        }
        assertTrue(calls > 50, "the walk reached only " + calls + " calls");
    }

    private static String create(Api api, Map<String, Object> body) {
        return api.call().body(body).post("/v1/customers").then().statusCode(201).extract().path("id");
    }

    /** Per caller, the ids and values it has itself sent so far (its own audit trail may show them back). */
    private static final java.util.Map<String, java.util.Set<String>> SENT = new java.util.HashMap<>();

    private static void check(List<String> problems, String who, Operation op, String path, Response response,
            List<String> secrets) {
        java.util.Set<String> sent = SENT.computeIfAbsent(who, w -> new java.util.HashSet<>());
        int status = response.statusCode();
        if (status >= 500) {
            problems.add(who + ": " + status + " from " + op + " " + path + ": " + response.asString());
        }
        String body = response.asString().toLowerCase(Locale.ROOT);
        for (String secret : secrets) {
            // An id or value the caller sent may be echoed back ("customer <id> does not exist"); that tells it
            // nothing new. Anything else it did not send is a leak.
            boolean echoed = sent.contains(secret) || path.contains(secret)
                    || path.endsWith("/lookup") && secret.startsWith("leakmark");
            if (!echoed && body.contains(secret.toLowerCase(Locale.ROOT))) {
                problems.add(who + ": " + op + " " + path + " (" + status + ") returned " + secret);
            }
        }
        for (String secret : secrets) {
            if (path.contains(secret) || path.endsWith("/lookup") && secret.startsWith("leakmark")) {
                sent.add(secret);
            }
        }
        String location = response.header("Location");
        if (location != null && secrets.stream().anyMatch(location::contains)) {
            problems.add(who + ": " + op + " " + path + " pointed at " + location);
        }
    }

    private static Response send(Api caller, Operation op, String path, String marker) {
        RequestSpecification request = caller.raw().redirects().follow(false);
        // Query values that make look-ups and groupings do real work instead of failing validation.
        if (path.endsWith("/lookup")) {
            request.queryParam("email", marker + "@hidden.example");
        }
        if (path.endsWith("/groups")) {
            request.queryParam("by", "ownerId");
        }
        if (path.endsWith("/export")) {
            request.queryParam("format", "ndjson");
        }
        if (!op.method().equals("get") && !op.method().equals("delete")) {
            if (op.contentType().startsWith("multipart/")) {
                request.multiPart("file", "empty.csv", new byte[0], "text/csv");
            } else {
                request.contentType(op.contentType()).body(op.contentType().contains("json")
                        ? "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8) : new byte[0]);
            }
        }
        if (op.method().equals("patch") || op.method().equals("delete")) {
            request.header("If-Match", "*");
        }
        return request.request(op.method().toUpperCase(Locale.ROOT), path);
    }

    private record Operation(String method, String path, String contentType) {
        @Override
        public String toString() {
            return method.toUpperCase(Locale.ROOT) + " " + path;
        }
    }

    private static List<Operation> operations(JsonNode spec) {
        List<Operation> ops = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = spec.get("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields(); methods.hasNext();) {
                Map.Entry<String, JsonNode> method = methods.next();
                if (!METHODS.contains(method.getKey())) {
                    continue;
                }
                JsonNode content = method.getValue().at("/requestBody/content");
                String contentType = content.isObject() && content.fieldNames().hasNext()
                        ? content.fieldNames().next() : "application/json";
                ops.add(new Operation(method.getKey(), path.getKey(), contentType));
            }
        }
        return ops;
    }

    /** Fills path templates with ids of the tenant's records, found per collection. */
    private static final class Fixtures {
        private final Api owner;
        private final Map<String, String> ids = new LinkedHashMap<>();
        /** Ids of records the tenant really has (not the random ones used when a collection was empty). */
        private final java.util.Set<String> real = new java.util.HashSet<>();

        Fixtures(Api owner, Map<String, String> known) {
            this.owner = owner;
            ids.putAll(known);
            real.addAll(known.values());
        }

        /**
         * Whether {@code path} names one of the tenant's records; a path naming only a subject (an agent profile,
         * a team member) is the caller's own tenant's business, not this tenant's record.
         */
        boolean namesTenantRecord(String path) {
            return real.stream().anyMatch(path::contains);
        }

        /** The concrete path, or null when it names something the tenant cannot have (e.g. public links). */
        String fill(String template) {
            Matcher m = PARAM.matcher(template);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String before = template.substring(0, m.start());
                String[] segments = before.split("/");
                String collection = segments.length > 0 ? segments[segments.length - 1] : "";
                String value = m.group(1).equals("subject") ? "zoe"
                        : ids.computeIfAbsent(before, b -> discover(b.substring(0, b.length() - 1), collection));
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            return out.toString();
        }

        /** The first record listed by {@code GET <collectionPath>}, or a random id when none is listed. */
        private String discover(String collectionPath, String collection) {
            if (ids.containsKey(collection)) {
                return ids.get(collection);
            }
            if (!collectionPath.contains("{")) {
                Response list = owner.raw().get(collectionPath);
                if (list.statusCode() == 200 && list.contentType().contains("json")) {
                    Object first = list.path("items[0].id");
                    if (first != null) {
                        real.add(first.toString());
                        return first.toString();
                    }
                }
            }
            return UUID.randomUUID().toString();
        }
    }
}
