package io.clientele.bench;

import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.postgresql.PGConnection;

import io.clientele.service.kb.TextSegmenter;

/**
 * Knowledge-base search benchmark (bench/kb-search.sh): loads TOTAL articles, half Chinese and half English
 * (seeded, so every run sees the same data), with the service's own segmentation, straight into PostgreSQL
 * with COPY; then measures {@code GET /v1/kb/search} against {@code GET /v1/kb/articles/{id}} (a plain
 * primary-key read through the same stack) and, in SQL, the indexed search against a plain
 * {@code ILIKE '%...%'} scan of the same table, all in this run.
 *
 * <p>Arguments: jdbcUrl user baseUrl token tenant total queries mode; mode {@code load} loads, {@code query}
 * measures (run with a fresh token: tokens live ten minutes, loading takes minutes).
 */
public final class KbBench {

    private static final String[] ZH = { "退款", "订单", "发票", "配送", "快递", "保修", "维修", "账户", "密码", "登录",
            "支付", "信用卡", "优惠券", "会员", "积分", "退货", "换货", "客服", "投诉", "地址", "手机", "电脑", "打印机",
            "网络", "路由器", "软件", "更新", "安装", "设置", "隐私", "安全", "通知", "邮件", "短信", "验证码", "取消",
            "预约", "价格", "库存", "物流", "包裹", "签收", "延迟", "损坏", "质量", "说明书", "电池", "充电", "屏幕",
            "声音", "系统", "数据", "备份", "恢复", "同步", "帐单", "合同", "续费", "升级", "降级" };
    private static final String[] ZH_GLUE = { "如何", "为什么", "怎么", "可以", "需要", "以及", "如果", "请", "的", "了",
            "在", "和" };
    private static final String[] EN = { "refund", "order", "invoice", "delivery", "shipping", "warranty", "repair",
            "account", "password", "login", "payment", "credit", "coupon", "member", "points", "return", "exchange",
            "support", "complaint", "address", "phone", "laptop", "printer", "network", "router", "software",
            "update", "install", "settings", "privacy", "security", "notification", "email", "message", "code",
            "cancel", "booking", "price", "stock", "tracking", "parcel", "signature", "delay", "damaged", "quality",
            "manual", "battery", "charging", "screen", "sound", "system", "data", "backup", "restore", "sync",
            "billing", "contract", "renewal", "upgrade", "downgrade" };
    private static final String[] EN_GLUE = { "how", "to", "the", "your", "a", "when", "if", "and", "for", "with",
            "is", "can" };

    public static void main(String[] args) throws Exception {
        String jdbc = args[0];
        String user = args[1];
        String baseUrl = args[2];
        String token = args[3];
        String tenant = args[4];
        int total = Integer.parseInt(args[5]);
        int queries = Integer.parseInt(args[6]);
        String mode = args.length > 7 ? args[7] : "query";
        Random random = new Random(20261125L);
        List<String> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbc, user, "")) {
            if ("load".equals(mode)) {
                long t0 = System.nanoTime();
                load(c, tenant, total, random, ids);
                System.out.printf("loaded %d articles in %.1f s%n", total, (System.nanoTime() - t0) / 1e9);
                return;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT CAST(id AS text) FROM kb_article WHERE tenant_id = ? LIMIT 10000")) {
                ps.setString(1, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }

            List<String> qs = new ArrayList<>();
            for (int i = 0; i < queries; i++) {
                qs.add(i % 2 == 0 ? ZH[random.nextInt(ZH.length)] + ZH[random.nextInt(ZH.length)]
                        : EN[random.nextInt(EN.length)] + " " + EN[random.nextInt(EN.length)]);
            }
            HttpClient http = HttpClient.newHttpClient();
            // Warm-up: JIT, connection pools, PostgreSQL caches.
            for (int i = 0; i < Math.min(200, queries); i++) {
                get(http, baseUrl + "/v1/kb/search?limit=20&q=" + enc(qs.get(i)), token);
                get(http, baseUrl + "/v1/kb/articles/" + ids.get(random.nextInt(ids.size())), token);
            }
            double[] search = new double[queries];
            double[] byId = new double[queries];
            long hits = 0;
            for (int i = 0; i < queries; i++) {
                long s = System.nanoTime();
                String body = get(http, baseUrl + "/v1/kb/search?limit=20&q=" + enc(qs.get(i)), token);
                search[i] = (System.nanoTime() - s) / 1e6;
                hits += body.contains("\"article\"") ? 1 : 0;
                s = System.nanoTime();
                get(http, baseUrl + "/v1/kb/articles/" + ids.get(random.nextInt(ids.size())), token);
                byId[i] = (System.nanoTime() - s) / 1e6;
            }
            report("http search", search);
            report("http read by id", byId);
            System.out.printf("queries with hits %d of %d%n", hits, queries);
            System.out.printf("RESULT http search_p50=%.2f search_p99=%.2f byid_p99=%.2f ratio_p99=%.2f%n",
                    pct(search, 50), pct(search, 99), pct(byId, 99), pct(search, 99) / pct(byId, 99));

            // SQL level: the indexed query the service runs vs a plain ILIKE scan (fewer rounds: it scans).
            int rounds = Math.min(100, queries);
            double[] indexed = new double[rounds];
            double[] scan = new double[rounds];
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT s.article_id, ts_rank(s.vector, q) AS score
                      FROM kb_article_search s, to_tsquery('simple', ?) q
                     WHERE s.tenant_id = ? AND s.vector @@ q
                     ORDER BY score DESC, s.article_id LIMIT 21""");
                    PreparedStatement plain = c.prepareStatement("""
                            SELECT a.id FROM kb_article a
                             WHERE a.tenant_id = ? AND (a.title ILIKE ? OR a.body ILIKE ?)
                             ORDER BY a.id LIMIT 21""")) {
                for (int i = 0; i < rounds; i++) {
                    String q = qs.get(i);
                    List<String> terms = TextSegmenter.queryTerms(q);
                    ps.setString(1, String.join(" & ", terms.stream().map(t -> "'" + t + "'").toList()));
                    ps.setString(2, tenant);
                    long s = System.nanoTime();
                    drain(ps.executeQuery());
                    indexed[i] = (System.nanoTime() - s) / 1e6;
                    // The plain query can only look for the first word as a substring.
                    String first = q.contains(" ") ? q.substring(0, q.indexOf(' ')) : q;
                    plain.setString(1, tenant);
                    plain.setString(2, "%" + first + "%");
                    plain.setString(3, "%" + first + "%");
                    s = System.nanoTime();
                    drain(plain.executeQuery());
                    scan[i] = (System.nanoTime() - s) / 1e6;
                }
            }
            report("sql indexed search", indexed);
            report("sql plain ILIKE", scan);
            System.out.printf("RESULT sql indexed_p99=%.2f ilike_p99=%.2f ratio_p99=%.3f%n", pct(indexed, 99),
                    pct(scan, 99), pct(indexed, 99) / pct(scan, 99));
        }
    }

    private static void load(Connection c, String tenant, int total, Random random, List<String> ids)
            throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute("DELETE FROM kb_article WHERE tenant_id = '" + tenant + "'");
        }
        StringBuilder csv = new StringBuilder();
        int batch = 0;
        for (int i = 0; i < total; i++) {
            boolean zh = i % 2 == 0;
            String title = text(random, zh, 3 + random.nextInt(4));
            String body = text(random, zh, 30 + random.nextInt(40));
            UUID id = UUID.randomUUID();
            ids.add(id.toString());
            csv.append(id).append(',').append(tenant).append(",0,now(),now(),").append(q(title)).append(',')
                    .append(q(body)).append(",\"{bench}\",").append(zh ? "zh-CN" : "en").append(",published,now(),0,0,")
                    .append(q(TextSegmenter.indexTerms(title))).append(',').append(q(TextSegmenter.indexTerms(body)))
                    .append('\n');
            if (++batch == 5000 || i == total - 1) {
                ((PGConnection) c).getCopyAPI().copyIn("""
                        COPY kb_article (id, tenant_id, version, created_at, updated_at, title, body, tags, locale,
                                         status, published_at, helpful_count, not_helpful_count, title_terms, body_terms)
                        FROM STDIN (FORMAT csv)""".replace("now()", ""), new StringReader(csv.toString().replace(
                        ",now(),now(),", "," + java.time.Instant.now() + "," + java.time.Instant.now() + ",")
                        .replace(",published,now(),", ",published," + java.time.Instant.now() + ",")));
                csv.setLength(0);
                batch = 0;
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("ANALYZE kb_article");
        }
    }

    private static String text(Random random, boolean zh, int words) {
        StringBuilder b = new StringBuilder();
        for (int w = 0; w < words; w++) {
            boolean glue = random.nextInt(3) == 0;
            String[] pool = zh ? (glue ? ZH_GLUE : ZH) : (glue ? EN_GLUE : EN);
            if (!zh && b.length() > 0) {
                b.append(' ');
            }
            b.append(pool[random.nextInt(pool.length)]);
            if (zh && random.nextInt(12) == 0) {
                b.append('，');
            }
        }
        return b.toString();
    }

    private static String q(String s) {
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String get(HttpClient http, String url, String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static void drain(ResultSet rs) throws Exception {
        try (rs) {
            while (rs.next()) {
                rs.getString(1);
            }
        }
    }

    private static double pct(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
    }

    private static void report(String what, double[] v) {
        System.out.printf("%-20s n=%d p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms%n", what, v.length, pct(v, 50),
                pct(v, 90), pct(v, 99), pct(v, 100));
    }
}
