package io.clientele.service.kb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Segmentation is what makes Chinese searchable: the index and the query must cut text the same way. */
class TextSegmenterTest {

    @Test
    void chineseRunsBecomeBigramsAndLatinWordsStayWhole() {
        assertEquals(List.of("如何", "何申", "申请", "请退", "退款"), TextSegmenter.queryTerms("如何申请退款"));
        assertEquals(List.of("iphone", "充电", "电慢"), TextSegmenter.queryTerms("iPhone充电慢?"));
        assertEquals("退 款 退款", TextSegmenter.indexTerms("退款"));
        assertEquals(List.of("款"), TextSegmenter.queryTerms("款"));
    }

    @Test
    void accentsAndWidthAreFoldedButKanaAndHangulKeepTheirCharacters() {
        assertEquals(List.of("cafe", "creme"), TextSegmenter.queryTerms("Café CRÈME"));
        assertEquals(List.of("abc"), TextSegmenter.queryTerms("ＡＢＣ"));
        assertEquals(List.of("ばん", "んご"), TextSegmenter.queryTerms("ばんご"));
        assertEquals(List.of("환불"), TextSegmenter.queryTerms("환불"));
    }

    @Test
    void everyQueryTermOfATextIsInItsIndexTerms() {
        String text = "退款流程 Refund policy: 7天无理由退货, café";
        List<String> index = List.of(TextSegmenter.indexTerms(text).split(" "));
        for (String term : TextSegmenter.queryTerms(text)) {
            assertTrue(index.contains(term), term);
        }
    }

    @Test
    void keyTermsDropCommonWordsAndAreCapped() {
        assertEquals(List.of("refund", "order"), TextSegmenter.keyTerms("Hi, I want a refund for my order please", 5)
                .stream().filter(t -> !t.equals("want")).toList());
        assertEquals(3, TextSegmenter.keyTerms("one two three four five", 3).size());
    }
}
