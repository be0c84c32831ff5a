package io.clientele.platform.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CursorCodecTest {

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final String FP = QueryFingerprint.of("kind==\"person\"", SortSpec.parse("-createdAt", Fixtures.SCHEMA, null));
    private static final String OTHER_FP = QueryFingerprint.of("kind==\"company\"", SortSpec.parse("-createdAt", Fixtures.SCHEMA, null));
    private static final String FORGED = "cursor signature does not verify; it was altered or not issued by this service";
    private static final String MALFORMED = "cursor is malformed; pass nextCursor back exactly as it was returned";

    private final CursorCodec codec = new CursorCodec(SECRET);

    private String sample() {
        return codec.encode(new CursorState(FP, List.of(Instant.parse("2026-01-02T03:04:05.123456Z"), new UUID(7, 9))));
    }

    private InvalidCursorException rejects(String cursor) {
        return assertThrows(InvalidCursorException.class, () -> codec.decode(cursor, FP));
    }

    @Test
    void roundTripsEveryValueType() {
        UUID id = UUID.randomUUID();
        List<Object> values = List.of("Ann \"quoted\" \\ 王小明 😀", id, Instant.parse("2026-01-02T03:04:05.123456Z"),
                new BigDecimal("12.500"), new BigDecimal("1E+3"), Long.MAX_VALUE, -1L, true, false, LocalDate.of(2000, 2, 29), "");
        String cursor = codec.encode(new CursorState(FP, values));
        assertTrue(cursor.matches("[A-Za-z0-9_-]+"), cursor);
        CursorState state = codec.decode(cursor, FP);
        assertEquals(FP, state.queryFingerprint());
        assertEquals(values, state.lastValues());
        // Scale survives, which matters for numeric equality in the keyset condition.
        assertEquals(3, ((BigDecimal) state.lastValues().get(3)).scale());
    }

    @Test
    void normalisesIntegerAndOffsetDateTime() {
        OffsetDateTime odt = OffsetDateTime.of(2026, 1, 2, 5, 4, 5, 0, ZoneOffset.ofHours(2));
        CursorState state = codec.decode(codec.encode(new CursorState(FP, List.of(42, odt))), FP);
        assertEquals(List.of(42L, Instant.parse("2026-01-02T03:04:05Z")), state.lastValues());
    }

    @Test
    void isCompact() {
        assertTrue(sample().length() < 200, sample());
    }

    @Test
    void unsupportedValueTypeIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> codec.encode(new CursorState(FP, List.of(new Object()))));
        assertThrows(IllegalArgumentException.class, () -> codec.encode(new CursorState(FP, List.of(1.5d))));
    }

    @Test
    void fingerprintMismatchSaysSo() {
        InvalidCursorException e = assertThrows(InvalidCursorException.class, () -> codec.decode(sample(), OTHER_FP));
        assertEquals("cursor was issued for a different filter or sort; repeat the query without a cursor", e.getMessage());
    }

    @Test
    void wrongSecretIsRejected() {
        CursorCodec other = new CursorCodec("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII));
        InvalidCursorException e = assertThrows(InvalidCursorException.class, () -> other.decode(sample(), FP));
        assertEquals(FORGED, e.getMessage());
    }

    @Test
    void everySingleCharacterChangeIsRejected() {
        String cursor = sample();
        for (int i = 0; i < cursor.length(); i++) {
            char c = cursor.charAt(i);
            String tampered = cursor.substring(0, i) + (c == 'A' ? 'B' : 'A') + cursor.substring(i + 1);
            int index = i;
            InvalidCursorException e = assertThrows(InvalidCursorException.class, () -> codec.decode(tampered, FP),
                    () -> "change at " + index + " accepted");
            assertFalse(e.getMessage().isBlank());
        }
    }

    @Test
    void forgedPayloadWithCopiedTagIsRejected() {
        byte[] raw = Base64.getUrlDecoder().decode(sample());
        String payload = new String(raw, 1, raw.length - 17, StandardCharsets.UTF_8);
        String evil = payload.replace("\"u\":\"00000000-0000-0007-0000-000000000009\"",
                "\"u\":\"00000000-0000-0000-0000-000000000000\"");
        assertNotEquals(payload, evil);
        byte[] evilBytes = evil.getBytes(StandardCharsets.UTF_8);
        byte[] forged = new byte[1 + evilBytes.length + 16];
        forged[0] = 1;
        System.arraycopy(evilBytes, 0, forged, 1, evilBytes.length);
        System.arraycopy(raw, raw.length - 16, forged, 1 + evilBytes.length, 16);
        assertEquals(FORGED, rejects(Base64.getUrlEncoder().withoutPadding().encodeToString(forged)).getMessage());
    }

    @Test
    void truncatedAndExtendedCursorsAreRejected() {
        String cursor = sample();
        for (int cut = 1; cut < cursor.length(); cut++) {
            String truncated = cursor.substring(0, cursor.length() - cut);
            assertThrows(InvalidCursorException.class, () -> codec.decode(truncated, FP));
        }
        rejects(cursor + "A");
        rejects(cursor + "AAAA");
        rejects("AAAA" + cursor);
    }

    @Test
    void otherVersionIsRejected() {
        byte[] raw = Base64.getUrlDecoder().decode(sample());
        raw[0] = 2;
        assertEquals(MALFORMED, rejects(Base64.getUrlEncoder().withoutPadding().encodeToString(raw)).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = { "not a cursor", "abc=", "abc+/", "A", "AAAAAAAA", "eyJmIjoiIn0", "%00", "😀" })
    void garbageIsRejected(String garbage) {
        assertEquals(MALFORMED, rejects(garbage).getMessage());
    }

    /** Only reachable with the secret (or a bug), but must still be a 400, never a 500. */
    @ParameterizedTest
    @ValueSource(strings = { "not json", "[]", "{\"f\":\"x\"}", "{\"v\":{}}", "{\"v\":[1]}", "{\"v\":[{\"q\":1}]}",
            "{\"v\":[{\"s\":1}]}", "{\"v\":[{\"u\":\"nope\"}]}", "{\"v\":[{\"t\":\"2026\"}]}", "{\"v\":[{\"n\":\"x\"}]}",
            "{\"v\":[{\"l\":1.5}]}", "{\"v\":[{\"l\":\"1\"}]}", "{\"v\":[{\"b\":\"true\"}]}",
            "{\"v\":[{\"d\":\"2026-02-30\"}]}", "{\"v\":[{\"s\":\"a\",\"u\":\"b\"}]}" })
    void signedButMalformedPayloadIsRejected(String json) {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        byte[] tag = codec.tag(payload, FP);
        byte[] raw = new byte[1 + payload.length + tag.length];
        raw[0] = 1;
        System.arraycopy(payload, 0, raw, 1, payload.length);
        System.arraycopy(tag, 0, raw, 1 + payload.length, tag.length);
        assertEquals(MALFORMED, rejects(Base64.getUrlEncoder().withoutPadding().encodeToString(raw)).getMessage());
    }

    @Test
    void emptyAndOversizedCursors() {
        assertTrue(rejects("").getMessage().startsWith("cursor is empty"));
        assertTrue(rejects(null).getMessage().startsWith("cursor is empty"));
        assertEquals("cursor is too long (at most 4096 characters)", rejects("A".repeat(4097)).getMessage());
    }

    @Test
    void secretMustBeLongEnough() {
        assertThrows(IllegalArgumentException.class, () -> new CursorCodec(new byte[31]));
        assertThrows(NullPointerException.class, () -> new CursorCodec(null));
    }

    @Test
    void secretIsCopied() {
        byte[] secret = SECRET.clone();
        CursorCodec own = new CursorCodec(secret);
        String cursor = own.encode(new CursorState(FP, List.of(1L)));
        Arrays.fill(secret, (byte) 0);
        assertEquals(List.of(1L), own.decode(cursor, FP).lastValues());
    }

    @Test
    void encodeRefusesAbsurdlyLongValues() {
        assertThrows(IllegalStateException.class, () -> codec.encode(new CursorState(FP, List.of("x".repeat(4000)))));
    }

    @Test
    void threadSafe() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long seed = t;
                results.add(pool.submit(() -> {
                    for (long i = 0; i < 500; i++) {
                        List<Object> values = List.of(seed * 1000 + i, "v" + i);
                        if (!codec.decode(codec.encode(new CursorState(FP, values)), FP).lastValues().equals(values)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertTrue(r.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
