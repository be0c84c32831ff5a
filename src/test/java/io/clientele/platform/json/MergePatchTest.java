package io.clientele.platform.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class MergePatchTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String apply(String target, String patch) throws Exception {
        return MergePatch.apply(JSON.readTree(target), JSON.readTree(patch)).toString();
    }

    @Test
    void followsRfc7396() throws Exception {
        // Examples from RFC 7396 appendix A.
        assertEquals("{\"a\":\"z\"}", apply("{\"a\":\"b\"}", "{\"a\":\"z\"}"));
        assertEquals("{\"a\":\"b\",\"b\":\"c\"}", apply("{\"a\":\"b\"}", "{\"b\":\"c\"}"));
        assertEquals("{}", apply("{\"a\":\"b\"}", "{\"a\":null}"));
        assertEquals("{\"b\":\"c\"}", apply("{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}"));
        assertEquals("{\"a\":\"c\"}", apply("{\"a\":[\"b\"]}", "{\"a\":\"c\"}"));
        assertEquals("{\"a\":[\"b\"]}", apply("{\"a\":\"c\"}", "{\"a\":[\"b\"]}"));
        assertEquals("{\"a\":{\"b\":\"d\"}}", apply("{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}"));
        assertEquals("{\"a\":[1]}", apply("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}"));
        assertEquals("[\"c\"]", apply("[\"a\",\"b\"]", "[\"c\"]"));
        assertEquals("{\"e\":null,\"a\":1}", apply("{\"e\":null}", "{\"a\":1}"));
        assertEquals("{\"a\":{\"bb\":{}}}", apply("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}"));
    }
}
