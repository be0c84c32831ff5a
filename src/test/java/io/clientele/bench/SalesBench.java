package io.clientele.bench;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

import org.postgresql.PGConnection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Sales benchmark (bench/sales.sh): loads TOTAL opportunities (CLOSED of them closed, with stage stays
 * and activities) into a fresh pipeline of the tenant with COPY, then measures over HTTP the funnel of
 * that pipeline, one training of the win model, and scoring single opportunities.
 * Arguments: jdbc-url user base-url token-url client-id client-secret tenant total closed queries.
 */
public final class SalesBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        if (args[0].equals("score-in-process")) { // jdbc-url user tenant: only the in-process scoring figure
            scoreInProcess(args[1], args[2], args[3]);
            return;
        }
        String jdbc = args[0];
        String user = args[1];
        String base = args[2];
        String tokenUrl = args[3];
        String clientId = args[4];
        String secret = args[5];
        String tenant = args[6];
        int total = Integer.parseInt(args[7]);
        int closed = Integer.parseInt(args[8]);
        int queries = Integer.parseInt(args[9]);
        String token = token(tokenUrl, clientId, secret);

        String customer = post(base, token, "/v1/customers", "{\"kind\":\"company\",\"name\":\"Bench Co "
                + UUID.randomUUID() + "\"}").get("id").asText();
        JsonNode pipeline = post(base, token, "/v1/pipelines", "{\"name\":\"bench " + UUID.randomUUID() + "\","
                + "\"stages\":[{\"name\":\"Lead\",\"probability\":0.1,\"staleAfterDays\":30},"
                + "{\"name\":\"Qualified\",\"probability\":0.25},{\"name\":\"Demo\",\"probability\":0.4},"
                + "{\"name\":\"Proposal\",\"probability\":0.6},{\"name\":\"Negotiation\",\"probability\":0.8},"
                + "{\"name\":\"Won\",\"won\":true},{\"name\":\"Lost\",\"lost\":true}]}");
        String pid = pipeline.get("id").asText();
        String[] stages = new String[7];
        for (int i = 0; i < 7; i++) {
            stages[i] = pipeline.get("stages").get(i).get("id").asText();
        }
        long loadStart = System.nanoTime();
        List<String> open = load(jdbc, user, tenant, customer, pid, stages, total, closed);
        System.out.printf(Locale.ROOT, "loaded %d opportunities (%d closed) in %.1f s%n", total, closed,
                (System.nanoTime() - loadStart) / 1e9);

        // Tokens are short-lived: a fresh one for each phase.
        token = token(tokenUrl, clientId, secret);
        // The floor of this machine at this moment: an authenticated read of one small record.
        measure("reference: GET one pipeline", base, token, List.of("/v1/pipelines/" + pid), queries / 10, queries);
        String funnel = "/v1/pipelines/" + pid + "/funnel";
        measure("funnel (all " + total + ")", base, token, List.of(funnel), queries / 10, queries);
        measure("funnel (one owner, one year)", base, token,
                List.of(funnel + "?ownerId=owner-3&from=2026-01-01"), queries / 10, queries);
        // Not month-aligned: whole months from the summary, the partial edge months from the rows (ADR 0022).
        measure("funnel (period with partial months)", base, token,
                List.of(funnel + "?from=2025-12-16T12:00:00Z&to=2026-10-10T00:00:00Z"), queries / 10, queries);
        // A tag filter reads the opportunities (the summary has no tags).
        measure("funnel (tag filter, rows)", base, token, List.of(funnel + "?tag=vip"), queries / 20,
                queries / 4);

        token = token(tokenUrl, clientId, secret);
        long t0 = System.nanoTime();
        JsonNode report = post(base, token, "/v1/win-model/training", "");
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "training on %d closed: %.2f s (limit 10 s) ratio %.3f; status %s"
                + " auc %s brier %s baseline auc %s brier %s%n", report.path("closedOpportunities").asInt(), seconds,
                seconds / 10, report.path("status").asText(), report.at("/model/auc"), report.at("/model/brier"),
                report.at("/baseline/auc"), report.at("/baseline/brier"));

        token = token(tokenUrl, clientId, secret);
        List<String> scorePaths = new ArrayList<>();
        for (int i = 0; i < Math.min(1000, open.size()); i++) {
            scorePaths.add("/v1/opportunities/" + open.get(i) + "/win-probability");
        }
        measure("score", base, token, scorePaths, queries / 10, queries);
        scoreInProcess(jdbc, user, tenant);
    }

    /**
     * The score computation alone, in this JVM: the tenant's stored model deserialised once (as the service
     * caches it), then probability and top factors for varied feature vectors.
     */
    private static void scoreInProcess(String jdbc, String user, String tenant) throws Exception {
        io.clientele.sales.scoring.WinModel model;
        try (java.sql.Connection db = java.sql.DriverManager.getConnection(jdbc, user, "postgres");
                java.sql.PreparedStatement ps = db.prepareStatement("SELECT model::text FROM win_model WHERE tenant_id = ?")) {
            ps.setString(1, tenant);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                String text = rs.getString(1);
                // The service stores the model as a JSON string inside the jsonb column: unwrap it.
                if (text.startsWith("\"")) {
                    text = JSON.readValue(text, String.class);
                }
                model = JSON.readValue(text, io.clientele.sales.scoring.WinModel.class);
            }
        }
        Random random = new Random(11);
        int n = 200_000;
        double[] us = new double[n];
        double sink = 0;
        for (int i = -20_000; i < n; i++) {
            var f = new io.clientele.sales.scoring.WinFeatures(
                    model.stageIds().get(random.nextInt(model.stageIds().size())), random.nextDouble(),
                    random.nextInt(400), java.math.BigDecimal.valueOf(Math.exp(7 + 2 * random.nextDouble())),
                    random.nextInt(8), random.nextInt(60), model.sources().get(random.nextInt(model.sources().size())),
                    "owner-" + random.nextInt(20));
            long t = System.nanoTime();
            sink += io.clientele.sales.scoring.Trainer.probability(model, f);
            sink += io.clientele.sales.scoring.Trainer.factors(model, f, 5).size();
            if (i >= 0) {
                us[i] = (System.nanoTime() - t) / 1e3;
            }
        }
        Arrays.sort(us);
        System.out.printf(Locale.ROOT, "score in process (probability + 5 factors, model cached): n %d p50 %.1f us"
                + " p99 %.1f us max %.1f us (checksum %.0f)%n", n, us[n / 2], us[(int) (n * 0.99)], us[n - 1], sink);
    }

    private static String token(String url, String clientId, String secret) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + clientId
                        + "&client_secret=" + secret)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    private static void measure(String name, String base, String token, List<String> paths, int warmup, int n)
            throws Exception {
        for (int i = 0; i < warmup; i++) {
            get(base, token, paths.get(i % paths.size()));
        }
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            get(base, token, paths.get(i % paths.size()));
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf(Locale.ROOT, "%s: n %d p50 %.2f ms p90 %.2f ms p99 %.2f ms max %.2f ms%n", name, n,
                ms[n / 2], ms[(int) (n * 0.9)], ms[(int) (n * 0.99)], ms[n - 1]);
    }

    private static JsonNode get(String base, String token, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private static JsonNode post(String base, String token, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /**
     * Opportunities spread over the last 400 days, 20 owners, 6 sources, a few tags; closed ones won
     * more often with referrals, larger amounts and more activity. Returns the ids of open ones.
     */
    private static List<String> load(String jdbc, String user, String tenant, String customer, String pid,
            String[] stages, int total, int closed) throws Exception {
        Random random = new Random(7);
        String[] sources = { "referral", "web", "event", "cold", "partner", "ads" };
        StringBuilder opps = new StringBuilder();
        StringBuilder periods = new StringBuilder();
        StringBuilder activities = new StringBuilder();
        List<String> open = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < total; i++) {
            String id = UUID.randomUUID().toString();
            boolean isClosed = i < closed;
            String source = sources[random.nextInt(sources.length)];
            int owner = random.nextInt(20);
            double amount = Math.round(Math.exp(7 + 2 * random.nextDouble()) * 100) / 100.0;
            int acts = random.nextInt(8);
            Instant created = now.minus(Duration.ofMinutes(random.nextInt(400 * 24 * 60)));
            int furthest = random.nextInt(5);
            int stage;
            String status;
            if (isClosed) {
                double z = -1.2 + (source.equals("referral") ? 1.2 : 0) + 0.3 * acts + 0.4 * furthest
                        + (owner % 4 == 0 ? 0.6 : 0) - 0.15 * (Math.log(amount) - 8);
                boolean won = random.nextDouble() < 1 / (1 + Math.exp(-z));
                stage = won ? 5 : 6;
                status = won ? "won" : "lost";
            } else {
                stage = furthest;
                status = "open";
                open.add(id);
            }
            StringBuilder path = new StringBuilder("{");
            Instant t = created;
            for (int s = 0; s <= furthest; s++) {
                Instant next = t.plus(Duration.ofHours(1 + random.nextInt(24 * 14)));
                boolean last = s == furthest && !isClosed;
                periods.append(tenant).append('\t').append(id).append('\t').append(pid).append('\t')
                        .append(stages[s]).append('\t').append(t).append('\t').append(last ? "\\N" : next.toString())
                        .append('\n');
                path.append(s == 0 ? "" : ",").append(stages[s]);
                t = next;
            }
            Instant closedAt = null;
            if (isClosed) {
                closedAt = t;
                periods.append(tenant).append('\t').append(id).append('\t').append(pid).append('\t')
                        .append(stages[stage]).append('\t').append(t).append("\t\\N\n");
                path.append(',').append(stages[stage]);
            }
            path.append('}');
            Instant entered = isClosed ? closedAt : t;
            opps.append(id).append('\t').append(tenant).append("\t0\t").append(customer).append("\tDeal ").append(i)
                    .append('\t').append(String.format(Locale.ROOT, "%.2f", amount)).append("\tEUR\t").append(pid)
                    .append('\t').append(stages[stage]).append('\t').append(status).append("\towner-").append(owner)
                    .append('\t').append(source).append("\t{").append(i % 7 == 0 ? "vip" : "std").append("}\t")
                    .append(closedAt == null ? "\\N" : closedAt.toString()).append('\t').append(entered).append('\t')
                    .append(path).append('\t').append(created).append('\t').append(created).append('\n');
            for (int a = 0; a < acts; a++) {
                Instant at = created.plus(Duration.ofHours(random.nextInt(24 * 10)));
                activities.append(UUID.randomUUID()).append('\t').append(tenant).append("\t0\tcall\t")
                        .append(customer).append('\t').append(id).append("\tcall\t").append(at)
                        .append("\towner-").append(owner).append('\t').append(at).append('\t').append(at).append('\n');
            }
        }
        try (Connection c = DriverManager.getConnection(jdbc, user, "")) {
            var copy = c.unwrap(PGConnection.class).getCopyAPI();
            copy.copyIn("COPY opportunity (id, tenant_id, version, customer_id, title, amount, currency, pipeline_id,"
                    + " stage_id, status, owner_id, source, tags, closed_at, stage_entered_at, stage_path, created_at,"
                    + " updated_at) FROM STDIN", new StringReader(opps.toString()));
            copy.copyIn("COPY opportunity_stage_period (tenant_id, opportunity_id, pipeline_id, stage_id, entered_at,"
                    + " exited_at) FROM STDIN", new StringReader(periods.toString()));
            copy.copyIn("COPY sales_activity (id, tenant_id, version, type, customer_id, opportunity_id, subject,"
                    + " occurred_at, owner_id, created_at, updated_at) FROM STDIN",
                    new StringReader(activities.toString()));
            try (var st = c.createStatement()) {
                st.execute("UPDATE opportunity o SET last_activity_at = a.last FROM (SELECT opportunity_id,"
                        + " max(occurred_at) AS last FROM sales_activity WHERE tenant_id = '" + tenant
                        + "' GROUP BY 1) a WHERE o.id = a.opportunity_id AND o.pipeline_id = '" + pid + "'");
                // What the service writes when a stay ends, for the loaded stays.
                st.execute("INSERT INTO stage_stay_stat (tenant_id, pipeline_id, stage_id, created_day, owner_id,"
                        + " stays, seconds) SELECT sp.tenant_id, sp.pipeline_id, sp.stage_id,"
                        + " CAST(o.created_at AT TIME ZONE 'UTC' AS date), o.owner_id, count(*),"
                        + " sum(extract(epoch FROM sp.exited_at - sp.entered_at))"
                        + " FROM opportunity_stage_period sp JOIN opportunity o ON o.id = sp.opportunity_id"
                        + " WHERE sp.pipeline_id = '" + pid + "' AND sp.exited_at IS NOT NULL GROUP BY 1, 2, 3, 4, 5"
                        + " ON CONFLICT (tenant_id, pipeline_id, stage_id, created_day, owner_id) DO UPDATE"
                        + " SET stays = stage_stay_stat.stays + EXCLUDED.stays,"
                        + " seconds = stage_stay_stat.seconds + EXCLUDED.seconds");
                st.execute("VACUUM ANALYZE opportunity");
                st.execute("VACUUM ANALYZE opportunity_stage_period");
                st.execute("VACUUM ANALYZE sales_activity");
                st.execute("VACUUM ANALYZE stage_stay_stat");
            }
        }
        return open;
    }
}
