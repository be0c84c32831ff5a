package io.clientele.bench;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import org.postgresql.PGConnection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.customer.domain.ContactPoints;
import io.clientele.customer.domain.CustomerDraft;
import io.clientele.customer.domain.CustomerKind;
import io.clientele.customer.domain.EmailAddress;
import io.clientele.customer.domain.LifecycleStage;
import io.clientele.customer.domain.PhoneNumber;
import io.clientele.customer.domain.PostalAddress;
import io.clientele.customer.domain.matching.MatchProfile;

/**
 * Duplicate-detection benchmark (bench/match.sh): generates a labelled set of person records
 * (seeded, so every run sees the same data), loads base records plus filler up to the requested
 * size straight into PostgreSQL with COPY (match keys computed by the service's own MatchProfile),
 * then sends every query record to {@code POST /v1/customers/matches} and reports precision and
 * recall at the tenant's thresholds, recall per kind of perturbation, and the latency percentiles.
 *
 * <p>Arguments: jdbcUrl user baseUrl token tenant totalRows queries.
 */
public final class MatchBench {

    // Names per culture: {native, romanised}. Chinese and Russian queries may use either form.
    private static final String[][] EN_FIRST = { { "James", "James" }, { "Mary", "Mary" }, { "John", "John" },
            { "Patricia", "Patricia" }, { "Robert", "Robert" }, { "Jennifer", "Jennifer" }, { "Michael", "Michael" },
            { "Linda", "Linda" }, { "William", "William" }, { "Elizabeth", "Elizabeth" }, { "David", "David" },
            { "Barbara", "Barbara" }, { "Richard", "Richard" }, { "Susan", "Susan" }, { "Joseph", "Joseph" },
            { "Jessica", "Jessica" }, { "Thomas", "Thomas" }, { "Sarah", "Sarah" }, { "Charles", "Charles" },
            { "Karen", "Karen" }, { "Christopher", "Christopher" }, { "Nancy", "Nancy" }, { "Daniel", "Daniel" },
            { "Lisa", "Lisa" }, { "Matthew", "Matthew" }, { "Margaret", "Margaret" }, { "Anthony", "Anthony" },
            { "Sandra", "Sandra" }, { "Mark", "Mark" }, { "Ashley", "Ashley" } };
    private static final String[][] EN_LAST = { { "Smith", "Smith" }, { "Johnson", "Johnson" },
            { "Williams", "Williams" }, { "Brown", "Brown" }, { "Jones", "Jones" }, { "Miller", "Miller" },
            { "Davis", "Davis" }, { "Wilson", "Wilson" }, { "Anderson", "Anderson" }, { "Taylor", "Taylor" },
            { "Thomas", "Thomas" }, { "Moore", "Moore" }, { "Jackson", "Jackson" }, { "Martin", "Martin" },
            { "Lee", "Lee" }, { "Thompson", "Thompson" }, { "White", "White" }, { "Harris", "Harris" },
            { "Clark", "Clark" }, { "Lewis", "Lewis" }, { "Robinson", "Robinson" }, { "Walker", "Walker" },
            { "Young", "Young" }, { "Allen", "Allen" }, { "King", "King" }, { "Wright", "Wright" },
            { "Scott", "Scott" }, { "Green", "Green" }, { "Baker", "Baker" }, { "Adams", "Adams" },
            { "Nelson", "Nelson" }, { "Hill", "Hill" }, { "Campbell", "Campbell" }, { "Mitchell", "Mitchell" },
            { "Roberts", "Roberts" }, { "Carter", "Carter" }, { "Phillips", "Phillips" }, { "Evans", "Evans" },
            { "Turner", "Turner" }, { "Parker", "Parker" } };
    private static final String[][] DE_FIRST = { { "Jürgen", "Juergen" }, { "Günther", "Guenther" },
            { "Jörg", "Joerg" }, { "Björn", "Bjoern" }, { "Käthe", "Kaethe" }, { "Ursula", "Ursula" },
            { "Klaus", "Klaus" }, { "Sabine", "Sabine" } };
    private static final String[][] DE_LAST = { { "Müller", "Mueller" }, { "Schröder", "Schroeder" },
            { "Schäfer", "Schaefer" }, { "Köhler", "Koehler" }, { "Weiß", "Weiss" }, { "Groß", "Gross" },
            { "Fischer", "Fischer" }, { "Wagner", "Wagner" }, { "Becker", "Becker" }, { "Hoffmann", "Hoffmann" } };
    private static final String[][] ES_FIRST = { { "José", "Jose" }, { "María", "Maria" }, { "Jesús", "Jesus" },
            { "Sofía", "Sofia" }, { "Andrés", "Andres" }, { "Lucía", "Lucia" } };
    private static final String[][] ES_LAST = { { "García", "Garcia" }, { "Martínez", "Martinez" },
            { "Rodríguez", "Rodriguez" }, { "Fernández", "Fernandez" }, { "López", "Lopez" },
            { "González", "Gonzalez" }, { "Pérez", "Perez" }, { "Sánchez", "Sanchez" } };
    private static final String[][] ZH_LAST = { { "王", "Wang" }, { "李", "Li" }, { "张", "Zhang" }, { "刘", "Liu" },
            { "陈", "Chen" }, { "杨", "Yang" }, { "赵", "Zhao" }, { "黄", "Huang" }, { "周", "Zhou" }, { "吴", "Wu" },
            { "徐", "Xu" }, { "孙", "Sun" }, { "胡", "Hu" }, { "朱", "Zhu" }, { "高", "Gao" }, { "马", "Ma" },
            { "罗", "Luo" }, { "梁", "Liang" }, { "宋", "Song" }, { "郑", "Zheng" }, { "谢", "Xie" }, { "韩", "Han" },
            { "唐", "Tang" }, { "冯", "Feng" }, { "于", "Yu" } };
    private static final String[][] ZH_FIRST = { { "伟", "Wei" }, { "芳", "Fang" }, { "娜", "Na" },
            { "秀英", "Xiuying" }, { "敏", "Min" }, { "静", "Jing" }, { "强", "Qiang" }, { "磊", "Lei" },
            { "军", "Jun" }, { "洋", "Yang" }, { "勇", "Yong" }, { "艳", "Yan" }, { "杰", "Jie" }, { "涛", "Tao" },
            { "明", "Ming" }, { "超", "Chao" }, { "秀兰", "Xiulan" }, { "霞", "Xia" }, { "平", "Ping" },
            { "小明", "Xiaoming" }, { "建华", "Jianhua" }, { "志强", "Zhiqiang" }, { "丽娟", "Lijuan" } };
    private static final String[][] RU_FIRST = { { "Иван", "Ivan" }, { "Сергей", "Sergey" }, { "Ольга", "Olga" },
            { "Анна", "Anna" }, { "Михаил", "Mikhail" }, { "Наталья", "Natalya" }, { "Алексей", "Alexey" },
            { "Елена", "Elena" }, { "Дмитрий", "Dmitry" }, { "Андрей", "Andrey" }, { "Николай", "Nikolay" },
            { "Владимир", "Vladimir" }, { "Татьяна", "Tatyana" }, { "Мария", "Maria" }, { "Екатерина", "Ekaterina" },
            { "Юлия", "Yulia" }, { "Павел", "Pavel" }, { "Виктор", "Viktor" }, { "Светлана", "Svetlana" },
            { "Ирина", "Irina" } };
    private static final String[][] RU_LAST = { { "Иванов", "Ivanov" }, { "Петров", "Petrov" },
            { "Смирнов", "Smirnov" }, { "Кузнецов", "Kuznetsov" }, { "Попов", "Popov" }, { "Соколов", "Sokolov" },
            { "Лебедев", "Lebedev" }, { "Козлов", "Kozlov" }, { "Новиков", "Novikov" }, { "Морозов", "Morozov" },
            { "Волков", "Volkov" }, { "Соловьёв", "Solovyov" }, { "Васильев", "Vasilyev" }, { "Зайцев", "Zaytsev" },
            { "Павлов", "Pavlov" }, { "Семёнов", "Semyonov" }, { "Голубев", "Golubev" },
            { "Виноградов", "Vinogradov" }, { "Богданов", "Bogdanov" }, { "Воробьёв", "Vorobyov" },
            { "Фёдоров", "Fyodorov" }, { "Михайлов", "Mikhaylov" }, { "Беляев", "Belyaev" },
            { "Тарасов", "Tarasov" } };
    private static final String[] SUFFIXES = { "", "", "", "son", "s", "ford", "ley", "ton", "wood", "field",
            "man", "er", "ing", "well", "by" };
    private static final String[] DOMAINS = { "example.com", "mail.example", "corp.example", "post.example" };
    private static final String[] STREETS = { "High Street", "Station Road", "Church Lane", "Park Avenue",
            "Mill Road", "Main Street", "Victoria Road", "Green Lane" };

    record Person(String culture, String[] first, String[] last, String email, String phone, String street,
            String postalCode) {
    }

    record Query(String kind, UUID truth, Map<String, Object> body) {
    }

    private final Random random = new Random(20261124);
    private final ObjectMapper json = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        // args[3]: a bearer token, or "tokenUrl clientId secret" to fetch a fresh one after the (long) load.
        new MatchBench().run(args[0], args[1], args[2], args[3], args[4], Integer.parseInt(args[5]),
                Integer.parseInt(args[6]));
    }

    void run(String jdbcUrl, String user, String baseUrl, String token, String tenant, int total, int queries)
            throws Exception {
        int labelled = Math.min(total, 20_000);
        List<Person> base = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < labelled; i++) {
            base.add(person(i));
            ids.add(UUID.randomUUID());
        }
        long loadStart = System.nanoTime();
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, "postgres")) {
            try (Statement st = db.createStatement()) {
                st.execute("DELETE FROM customer WHERE tenant_id = '" + tenant + "'");
            }
            copy(db, tenant, base, ids, 0);
            for (int done = labelled; done < total; done += 50_000) {
                List<Person> filler = new ArrayList<>();
                List<UUID> fillerIds = new ArrayList<>();
                for (int i = done; i < Math.min(total, done + 50_000); i++) {
                    filler.add(person(i));
                    fillerIds.add(UUID.randomUUID());
                }
                copy(db, tenant, filler, fillerIds, done);
            }
            try (Statement st = db.createStatement()) {
                st.execute("ANALYZE customer");
            }
        }
        System.out.printf(Locale.ROOT, "loaded %d customers (%d labelled) in %.1f s%n", total, labelled,
                (System.nanoTime() - loadStart) / 1e9);
        awaitCommonKeys(jdbcUrl, user, tenant);
        // Loading a million rows outlasts a token's lifetime: fetch the token now when given the means.
        String[] credentials = token.split(" ");
        if (credentials.length == 3) {
            token = fetchToken(credentials[0], credentials[1], credentials[2]);
        }

        List<Query> work = new ArrayList<>();
        for (int q = 0; q < queries; q++) {
            if (q % 4 == 3) {
                // A person who is not stored; every third one shares a stored person's full name.
                Person fresh = person(total + q);
                if (q % 3 == 0) {
                    Person twin = base.get(random.nextInt(labelled));
                    fresh = new Person(twin.culture(), twin.first(), twin.last(), fresh.email(), fresh.phone(),
                            fresh.street(), fresh.postalCode());
                }
                work.add(new Query(q % 3 == 0 ? "negative:same-name" : "negative", null, body(fresh)));
            } else {
                int i = random.nextInt(labelled);
                work.add(variant(base.get(i), ids.get(i)));
            }
        }

        HttpClient http = HttpClient.newHttpClient();
        double likely = 0.8;
        double possible = 0.5;
        int[] tp = new int[2];
        int[] fp = new int[2];
        int positives = 0;
        Map<String, int[]> byKind = new TreeMap<>();
        long[] latencies = new long[work.size()];
        for (int w = 0; w < Math.min(200, work.size()); w++) {
            send(http, baseUrl, token, work.get(w).body()); // warm-up, not counted
        }
        for (int w = 0; w < work.size(); w++) {
            Query q = work.get(w);
            long t0 = System.nanoTime();
            JsonNode result = send(http, baseUrl, token, q.body());
            latencies[w] = System.nanoTime() - t0;
            likely = result.at("/thresholds/likely").asDouble();
            possible = result.at("/thresholds/possible").asDouble();
            boolean[] found = new boolean[2];
            for (JsonNode c : result.get("candidates")) {
                double score = c.get("score").asDouble();
                boolean isTruth = q.truth() != null && q.truth().toString().equals(c.at("/customer/id").asText());
                for (int t = 0; t < 2; t++) {
                    if (score >= (t == 0 ? possible : likely)) {
                        if (isTruth) {
                            tp[t]++;
                            found[t] = true;
                        } else {
                            fp[t]++;
                        }
                    }
                }
            }
            int[] k = byKind.computeIfAbsent(q.kind(), x -> new int[4]);
            k[0]++;
            if (q.truth() != null) {
                positives++;
                k[1] += found[0] ? 1 : 0;
                k[2] += found[1] ? 1 : 0;
            } else {
                k[3] += result.get("candidates").size() > 0
                        && result.at("/candidates/0/score").asDouble() >= likely ? 1 : 0;
            }
        }
        Arrays.sort(latencies);
        System.out.printf(Locale.ROOT, "queries %d (%d with a true match) against %d customers%n", work.size(),
                positives, total);
        for (int t = 0; t < 2; t++) {
            System.out.printf(Locale.ROOT, "at %s threshold %.2f: precision %.3f recall %.3f (tp %d fp %d fn %d)%n",
                    t == 0 ? "possible" : "likely", t == 0 ? possible : likely,
                    tp[t] / (double) Math.max(1, tp[t] + fp[t]), tp[t] / (double) Math.max(1, positives), tp[t],
                    fp[t], positives - tp[t]);
        }
        for (Map.Entry<String, int[]> e : byKind.entrySet()) {
            int[] k = e.getValue();
            if (e.getKey().startsWith("negative")) {
                System.out.printf(Locale.ROOT, "  %-20s n=%4d queries with a likely (false) match: %d%n", e.getKey(),
                        k[0], k[3]);
            } else {
                System.out.printf(Locale.ROOT, "  %-20s n=%4d recall@possible %.3f recall@likely %.3f%n", e.getKey(),
                        k[0], k[1] / (double) k[0], k[2] / (double) k[0]);
            }
        }
        System.out.printf(Locale.ROOT, "latency ms (1 client, sequential): p50 %.2f p95 %.2f p99 %.2f max %.2f%n",
                pct(latencies, 0.50), pct(latencies, 0.95), pct(latencies, 0.99),
                latencies[latencies.length - 1] / 1e6);
    }

    private static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private JsonNode send(HttpClient http, String baseUrl, String token, Map<String, Object> body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/customers/matches?limit=10"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(response.statusCode() + " " + response.body());
        }
        return json.readTree(response.body());
    }

    private Person person(int i) {
        int c = random.nextInt(100);
        String culture = c < 55 ? "en" : c < 65 ? "de" : c < 75 ? "es" : c < 90 ? "zh" : "ru";
        String[][] firsts = switch (culture) {
            case "de" -> DE_FIRST;
            case "es" -> ES_FIRST;
            case "zh" -> ZH_FIRST;
            case "ru" -> RU_FIRST;
            default -> EN_FIRST;
        };
        String[][] lasts = switch (culture) {
            case "de" -> DE_LAST;
            case "es" -> ES_LAST;
            case "zh" -> ZH_LAST;
            case "ru" -> RU_LAST;
            default -> EN_LAST;
        };
        String[] first = firsts[random.nextInt(firsts.length)];
        String[] last = lasts[random.nextInt(lasts.length)];
        // Widen the small name lists towards a realistic spread of namesakes: derived surnames, and
        // (4 times in 5) two-character Chinese given names.
        if (culture.equals("zh") && first[0].length() == 1 && random.nextInt(5) > 0) {
            String[] second = ZH_FIRST[random.nextInt(ZH_FIRST.length)];
            if (second[0].length() == 1) {
                first = new String[] { first[0] + second[0], first[1] + second[1].toLowerCase(Locale.ROOT) };
            }
        } else if (!culture.equals("zh") && !culture.equals("ru")) {
            String suffix = SUFFIXES[random.nextInt(SUFFIXES.length)];
            last = new String[] { last[0] + suffix, last[1] + suffix };
        }
        String email = random.nextInt(100) < 70 ? (first[1] + "." + last[1] + i).toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9.]", "") + "@" + DOMAINS[random.nextInt(DOMAINS.length)] : null;
        String phone = random.nextInt(100) < 50 ? "+44 20 7" + String.format("%03d %04d", random.nextInt(1000),
                random.nextInt(10000)) : null;
        boolean address = random.nextInt(100) < 40;
        return new Person(culture, first, last, email, phone,
                address ? (1 + random.nextInt(200)) + " " + STREETS[random.nextInt(STREETS.length)] : null,
                address ? "SW" + (1 + random.nextInt(20)) + " " + (1 + random.nextInt(9))
                        + (char) ('A' + random.nextInt(26)) + (char) ('A' + random.nextInt(26)) : null);
    }

    /** A record of the same person as {@code p}, changed the way real data entry changes it. */
    private Query variant(Person p, UUID truth) {
        String kind;
        String first = p.first()[0];
        String last = p.last()[0];
        String email = p.email();
        String phone = p.phone();
        String street = p.street();
        String postal = p.postalCode();
        int r = random.nextInt(7);
        switch (r) {
            case 0 -> {
                kind = "typo";
                if (random.nextBoolean()) {
                    last = typo(last);
                } else {
                    first = typo(first);
                }
            }
            case 1 -> {
                kind = "swapped";
                String t = first;
                first = last;
                last = t;
            }
            case 2 -> {
                kind = "transliterated";
                first = p.first()[1];
                last = p.last()[1];
            }
            case 3 -> {
                kind = "missing-contacts";
                email = random.nextBoolean() ? null : email;
                phone = null;
                street = null;
                postal = null;
            }
            case 4 -> {
                kind = "other-email";
                email = email == null ? null : email.substring(0, email.indexOf('@')) + "@other.example";
            }
            case 5 -> {
                kind = "typo+missing";
                last = typo(last);
                email = null;
            }
            default -> {
                kind = "exact-contacts";
                first = random.nextBoolean() ? first : first.substring(0, 1);
            }
        }
        return new Query(kind, truth,
                body(new Person(p.culture(), new String[] { first, first }, new String[] { last, last }, email,
                        phone, street, postal)));
    }

    private String typo(String s) {
        if (s.length() < 3) {
            return s + s.charAt(s.length() - 1);
        }
        int i = 1 + random.nextInt(s.length() - 2);
        return switch (random.nextInt(3)) {
            case 0 -> s.substring(0, i) + s.substring(i + 1); // deletion
            case 1 -> s.substring(0, i) + s.charAt(i + 1) + s.charAt(i) + s.substring(i + 2); // transposition
            default -> s.substring(0, i) + s.charAt(i) + s.substring(i); // doubled letter
        };
    }

    private Map<String, Object> body(Person p) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", "person");
        body.put("firstName", p.first()[0]);
        body.put("lastName", p.last()[0]);
        if (p.email() != null) {
            body.put("emails", List.of(Map.of("address", p.email())));
        }
        if (p.phone() != null) {
            body.put("phones", List.of(Map.of("number", p.phone())));
        }
        if (p.street() != null) {
            body.put("addresses", List.of(Map.of("line1", p.street(), "postalCode", p.postalCode(), "country", "GB")));
        }
        return body;
    }

    private void copy(Connection db, String tenant, List<Person> people, List<UUID> ids, int offset)
            throws Exception {
        StringBuilder out = new StringBuilder();
        String now = Instant.now().toString();
        for (int i = 0; i < people.size(); i++) {
            Person p = people.get(i);
            List<EmailAddress> emails = p.email() == null ? List.of() : List.of(new EmailAddress(p.email(), null, true));
            List<PhoneNumber> phones = p.phone() == null ? List.of()
                    : List.of(new PhoneNumber(ContactPoints.phone(p.phone(), null).orElseThrow(), null, true));
            List<PostalAddress> addresses = p.street() == null ? List.of()
                    : List.of(new PostalAddress(null, p.street(), null, null, null, p.postalCode(), "GB"));
            CustomerDraft d = new CustomerDraft(CustomerKind.PERSON, p.first()[0], p.last()[0], null, null, emails,
                    phones, addresses, Map.of(), null, LifecycleStage.LEAD, null);
            MatchProfile m = MatchProfile.of(d);
            Map<String, Object> contacts = Map.of("emails", emails, "phones", phones, "addresses", addresses);
            out.append(ids.get(i)).append('\t').append(tenant).append("\tperson\t").append(esc(d.displayName()))
                    .append('\t').append(esc(d.firstName())).append('\t').append(esc(d.lastName())).append('\t')
                    .append(esc(json.writeValueAsString(contacts))).append('\t')
                    .append(array(emails.stream().map(EmailAddress::address).toList())).append('\t')
                    .append(array(phones.stream().map(PhoneNumber::number).toList())).append("\t{}\tlead\t0\t")
                    .append(now).append('\t').append(now).append('\t').append(esc(m.matchName())).append('\t')
                    .append(array(m.keys())).append('\t').append(MatchProfile.VERSION).append('\n');
        }
        ((PGConnection) db.unwrap(PGConnection.class)).getCopyAPI().copyIn(
                "COPY customer (id, tenant_id, kind, display_name, first_name, last_name, contacts, email_keys,"
                        + " phone_keys, attributes, lifecycle_stage, version, created_at, updated_at, match_name,"
                        + " match_keys, match_version) FROM STDIN",
                new StringReader(out.toString()));
    }

    private static String esc(String s) {
        return s == null ? "\\N" : s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }

    /** A text[] literal for COPY; the values (keys, emails, E.164 numbers) hold no quotes or backslashes. */
    private static String array(List<String> values) {
        return "{" + String.join(",", values.stream().map(v -> "\"" + v + "\"").toList()) + "}";
    }

    private static String fetchToken(String url, String clientId, String secret) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + clientId
                        + "&client_secret=" + secret)).build(), HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body()).get("access_token").asText();
    }

    /**
     * Waits (at most 3 minutes) for the service's estimate of the common blocking keys to cover the loaded rows
     * (CommonMatchKeys; the bench stack checks every 30 s), so the queries run with it as in production.
     */
    private static void awaitCommonKeys(String jdbcUrl, String user, String tenant) throws Exception {
        long start = System.nanoTime();
        java.time.OffsetDateTime loadEnd = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC);
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, "postgres")) {
            while (System.nanoTime() - start < 180e9) {
                try (PreparedStatement ps = db.prepareStatement("SELECT count(*), max(estimated) FROM"
                        + " customer_match_common_key WHERE tenant_id = ? AND refreshed_at > ?")) {
                    // Only an estimate made after the load covers the loaded rows.
                    ps.setString(1, tenant);
                    ps.setObject(2, loadEnd);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) > 0) {
                            System.out.printf(Locale.ROOT, "common blocking keys estimated: %d (largest ~%d) after %.0f s%n",
                                    rs.getLong(1), rs.getLong(2), (System.nanoTime() - start) / 1e9);
                            return;
                        }
                    }
                } catch (java.sql.SQLException e) {
                    System.out.println("no common-key estimate in this service version: " + e.getMessage());
                    return;
                }
                Thread.sleep(2000);
            }
        }
        System.out.println("common blocking keys: no estimate within 180 s; measuring without it");
    }
}
