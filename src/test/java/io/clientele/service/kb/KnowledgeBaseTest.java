package io.clientele.service.kb;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.clientele.testinfra.InfraResource;
import io.clientele.testing.Api;
import io.clientele.testing.Db;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(InfraResource.class)
class KnowledgeBaseTest {

    private static final String P = "https://clientele.io/problems/";

    static String article(Api api, String title, String body, String locale, String status, String... tags) {
        return api.call().body(Map.of("title", title, "body", body, "locale", locale, "status", status,
                "tags", List.of(tags))).post("/v1/kb/articles").then().statusCode(201).header("ETag", "\"0\"")
                .extract().path("id");
    }

    private static List<String> search(Api api, String q, String... more) {
        var req = api.call().queryParam("q", q);
        for (int i = 0; i + 1 < more.length; i += 2) {
            req.queryParam(more[i], more[i + 1]);
        }
        return req.get("/v1/kb/search").then().statusCode(200).extract().path("items.article.id");
    }

    @Test
    void articlesAreCreatedReadUpdatedWithEtagsAndDeleted() {
        Api api = Api.freshTenant();
        String id = article(api, "Reset your password", "Open Settings, then Security.", "en-us", "draft", "Account");
        api.call().get("/v1/kb/articles/" + id).then().statusCode(200).body("locale", equalTo("en-US"))
                .body("tags", contains("account")).body("status", equalTo("draft"))
                .body("publishedAt", nullValue()).body("body", equalTo("Open Settings, then Security."));
        api.call().header("If-None-Match", "\"0\"").get("/v1/kb/articles/" + id).then().statusCode(304);
        api.raw().contentType("application/merge-patch+json").body("{\"status\":\"published\"}")
                .patch("/v1/kb/articles/" + id).then().statusCode(428);
        api.call().contentType("application/merge-patch+json").header("If-Match", "\"0\"")
                .body(Map.of("status", "published")).patch("/v1/kb/articles/" + id).then().statusCode(200)
                .header("ETag", "\"1\"").body("publishedAt", notNullValue());
        api.call().contentType("application/merge-patch+json").header("If-Match", "\"0\"")
                .body(Map.of("title", "Stale")).patch("/v1/kb/articles/" + id).then().statusCode(412)
                .body("type", equalTo(P + "precondition-failed"));
        api.call().queryParam("filter", "tags==account;status==published").get("/v1/kb/articles").then()
                .statusCode(200).body("items.id", contains(id)).body("items[0].body", nullValue());
        // Another tenant sees nothing.
        Api.freshTenant().call().get("/v1/kb/articles/" + id).then().statusCode(404);
        api.call().header("If-Match", "\"1\"").delete("/v1/kb/articles/" + id).then().statusCode(204);
        api.call().get("/v1/kb/articles/" + id).then().statusCode(404);
        assertEquals(0, Db.count("SELECT count(*) FROM kb_article WHERE id = ?::uuid", id));
    }

    @Test
    void badArticlesAreRefusedWithPointersAndNothingIsWritten() {
        Api api = Api.freshTenant();
        api.raw().contentType("application/json").body(Map.of("title", " ", "body", "x", "locale", "not a locale!",
                "status", "live", "tags", List.of("ok", ""))).post("/v1/kb/articles").then().statusCode(422)
                .body("type", equalTo(P + "validation-failed"))
                .body("errors.pointer", hasItem("/title")).body("errors.pointer", hasItem("/locale"))
                .body("errors.pointer", hasItem("/status")).body("errors.pointer", hasItem("/tags/1"));
        api.raw().contentType("application/json").body("{\"title\":\"t\",\"body\":\"b\",\"locale\":\"en\",\"oops\":1}")
                .post("/v1/kb/articles").then().statusCode(400);
        assertEquals(0, Db.count("SELECT count(*) FROM kb_article WHERE tenant_id = ?", api.tenant()));
        Api.freshTenant("read-only").call().body(Map.of("title", "t", "body", "b", "locale", "en"))
                .post("/v1/kb/articles").then().statusCode(403);
    }

    @Test
    void searchFindsChineseByBigramsAndEnglishByWordsAndPrefixes() {
        Api api = Api.freshTenant();
        String refundZh = article(api, "如何申请退款", "在订单页面点击申请退款，选择原因并提交。退款将在三个工作日内到账。", "zh-CN",
                "published", "billing");
        String shippingZh = article(api, "配送时间说明", "普通快递三到五天送达，偏远地区可能更久。", "zh-CN", "published");
        String refundEn = article(api, "How to request a refund", "Open the order and choose Request refund.", "en",
                "published", "billing");
        String draftZh = article(api, "退款草稿", "尚未发布的退款说明", "zh-CN", "draft");

        assertEquals(Set.of(refundZh, draftZh), new HashSet<>(search(api, "退款")));
        // Title matches rank first; the draft filter removes the draft.
        assertEquals(List.of(refundZh), search(api, "退款", "status", "published"));
        assertEquals(List.of(refundZh), search(api, "申请退款"));
        // A bigram that spans no word boundary of the text is not a match: 款申 never occurs.
        assertEquals(List.of(), search(api, "款申"));
        assertEquals(List.of(shippingZh), search(api, "快递"));
        assertEquals(List.of(refundEn), search(api, "REFUND order"));
        assertEquals(List.of(refundEn), search(api, "refu"));
        // Every term must match: no article holds both.
        assertEquals(List.of(), search(api, "refund 退款"));
        assertEquals(List.of(refundEn), search(api, "refund", "locale", "en"));
        assertEquals(List.of(refundZh), search(api, "退款", "tag", "billing"));
        // Other tenants' articles are never found.
        assertEquals(List.of(), search(Api.freshTenant(), "退款"));

        api.raw().queryParam("q", " ").get("/v1/kb/search").then().statusCode(400)
                .body("type", equalTo(P + "invalid-parameter"));
        api.call().queryParam("q", "x").queryParam("status", "gone").get("/v1/kb/search").then().statusCode(400);
    }

    @Test
    void searchPagesWithASignedCursor() {
        Api api = Api.freshTenant();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(article(api, "保修政策 " + i, "保修期为一年。", "zh-CN", "published"));
        }
        var first = api.call().queryParam("q", "保修").queryParam("limit", "3").get("/v1/kb/search").then()
                .statusCode(200).body("items", hasSize(3)).extract();
        String cursor = first.path("nextCursor");
        var second = api.call().queryParam("q", "保修").queryParam("limit", "3").queryParam("cursor", cursor)
                .get("/v1/kb/search").then().statusCode(200).body("items", hasSize(2))
                .body("nextCursor", nullValue()).extract();
        Set<String> seen = new HashSet<>(first.path("items.article.id"));
        seen.addAll(second.path("items.article.id"));
        assertEquals(new HashSet<>(ids), seen);
        // A cursor is bound to its query.
        api.call().queryParam("q", "政策").queryParam("limit", "3").queryParam("cursor", cursor)
                .get("/v1/kb/search").then().statusCode(400).body("type", equalTo(P + "invalid-cursor"));
    }

    @Test
    void suggestionsComeFromPublishedArticlesSharingTheTicketsTerms() {
        Api api = Api.freshTenant();
        String refund = article(api, "如何申请退款", "在订单页面点击申请退款。", "zh-CN", "published");
        String password = article(api, "Reset your password", "Use the forgotten password link on the login page.",
                "en", "published");
        article(api, "退款内部草稿", "退款 退款 退款", "zh-CN", "draft");
        api.call().body(Map.of("subject", "我想退款", "body", "订单已经取消了，请问怎么申请退款？"))
                .post("/v1/kb/suggestions").then().statusCode(200).body("items.article.id", contains(refund));
        api.call().body(Map.of("subject", "Cannot log in", "body", "Hello, I forgot my password and the login fails."))
                .post("/v1/kb/suggestions").then().statusCode(200).body("items[0].article.id", equalTo(password))
                .body("items.article.id", not(hasItem(refund)));
        api.call().body(Map.of("subject", "the and of")).post("/v1/kb/suggestions").then().statusCode(200)
                .body("items", empty());
        api.raw().contentType("application/json").body(Map.of("limit", 50)).post("/v1/kb/suggestions").then().statusCode(422)
                .body("errors.pointer", hasItem("/subject")).body("errors.pointer", hasItem("/limit"));
    }

    @Test
    void aTicketGetsSuggestionsFromItsSubjectAndCustomerMessages() {
        Api api = Api.freshTenant();
        String refund = article(api, "如何申请退款", "在订单页面点击申请退款。", "zh-CN", "published");
        String printer = article(api, "Printer jams", "Open the tray and remove the paper.", "en", "published");
        String ticket = api.call().body(Map.of("subject", "退款问题", "type", "inquiry", "priority", "normal",
                "channel", "web", "message", Map.of("direction", "inbound", "body", "订单取消后怎么申请退款？")))
                .post("/v1/tickets").then().statusCode(201).extract().path("id");
        api.call().get("/v1/tickets/" + ticket + "/suggestions").then().statusCode(200)
                .body("items.article.id", contains(refund)).body("items.article.id", not(hasItem(printer)));
        api.call().queryParam("locale", "en").get("/v1/tickets/" + ticket + "/suggestions").then().statusCode(200)
                .body("items", empty());
        Api.freshTenant().call().get("/v1/tickets/" + ticket + "/suggestions").then().statusCode(404);
    }

    @Test
    void helpfulFeedbackCountsOneVotePerVoter() {
        Api api = Api.freshTenant();
        String id = article(api, "Reset your password", "Use the link.", "en", "published");
        api.call().body(Map.of("helpful", true)).post("/v1/kb/articles/" + id + "/feedback").then().statusCode(200)
                .body("helpfulCount", equalTo(1)).body("notHelpfulCount", equalTo(0));
        // The same voter changing their mind moves the vote; it does not add one.
        api.call().body(Map.of("helpful", false, "comment", "Link expired")).post("/v1/kb/articles/" + id + "/feedback")
                .then().statusCode(200).body("helpfulCount", equalTo(0)).body("notHelpfulCount", equalTo(1));
        api.call().body(Map.of("helpful", true, "voter", "customer-42")).post("/v1/kb/articles/" + id + "/feedback")
                .then().statusCode(200).body("helpfulCount", equalTo(1)).body("notHelpfulCount", equalTo(1));
        api.raw().contentType("application/json").body(Map.of("comment", "no vote")).post("/v1/kb/articles/" + id + "/feedback").then()
                .statusCode(422).body("errors.pointer", contains("/helpful"));
        // Feedback does not change the content version.
        api.call().get("/v1/kb/articles/" + id).then().header("ETag", "\"0\"").body("helpfulCount", equalTo(1));
        assertEquals(2, Db.count("SELECT count(*) FROM kb_feedback WHERE article_id = ?::uuid", id));
    }
}
