package io.clientele.platform.query;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Encodes {@link CursorState} as an opaque, signed string: base64url (no padding) of
 * {@code version byte | compact JSON payload | HMAC-SHA256 tag (16 bytes)}. The tag also covers the full
 * query fingerprint, so a cursor only verifies for the query it was issued for. The payload is
 * readable by whoever holds the cursor (it only holds sort values of a row they already received).
 *
 * <p>Thread-safe: a fresh {@link Mac} is made per call; the key is immutable.
 */
public final class CursorCodec {

    /** Longest accepted cursor; a larger one is rejected before any decoding work. */
    public static final int MAX_LENGTH = 4096;
    /** Minimum secret length in bytes (HMAC-SHA256 key strength). */
    public static final int MIN_SECRET_BYTES = 32;

    private static final byte VERSION = 1;
    private static final int TAG_BYTES = 16;
    // Enough of the fingerprint to tell "another query" apart from "forged" in the error message.
    private static final int FINGERPRINT_HINT = 12;
    private static final byte[] DOMAIN = "clientele/cursor/v1".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String MALFORMED = "cursor is malformed; pass nextCursor back exactly as it was returned";
    private static final String FORGED = "cursor signature does not verify; it was altered or not issued by this service";
    private static final String OTHER_QUERY =
            "cursor was issued for a different filter or sort; repeat the query without a cursor";

    private final SecretKeySpec key;

    /** @param secret at least 32 bytes of high-entropy key material, shared by all replicas */
    public CursorCodec(byte[] secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("cursor secret must be at least " + MIN_SECRET_BYTES + " bytes, got "
                    + secret.length);
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    }

    /**
     * @throws IllegalArgumentException for a value of an unsupported type
     * @throws IllegalStateException    when the cursor would exceed {@link #MAX_LENGTH} (absurdly long sort values)
     */
    public String encode(CursorState state) {
        ObjectNode root = JSON.createObjectNode();
        root.put("f", hint(state.queryFingerprint()));
        ArrayNode values = root.putArray("v");
        for (Object value : state.lastValues()) {
            values.add(encodeValue(value));
        }
        byte[] payload;
        try {
            payload = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise cursor", e);
        }
        byte[] tag = tag(payload, state.queryFingerprint());
        byte[] raw = new byte[1 + payload.length + TAG_BYTES];
        raw[0] = VERSION;
        System.arraycopy(payload, 0, raw, 1, payload.length);
        System.arraycopy(tag, 0, raw, 1 + payload.length, TAG_BYTES);
        String cursor = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        if (cursor.length() > MAX_LENGTH) {
            throw new IllegalStateException("cursor would be " + cursor.length() + " characters (max " + MAX_LENGTH
                    + "); sort values are too long");
        }
        return cursor;
    }

    /**
     * Verifies and decodes a cursor issued for the query with fingerprint {@code queryFingerprint}.
     *
     * @throws InvalidCursorException for anything but an untouched cursor issued by us for this query
     */
    public CursorState decode(String cursor, String queryFingerprint) {
        Objects.requireNonNull(queryFingerprint, "queryFingerprint");
        if (cursor == null || cursor.isEmpty()) {
            throw new InvalidCursorException("cursor is empty; omit the parameter to start from the first page");
        }
        if (cursor.length() > MAX_LENGTH) {
            throw new InvalidCursorException("cursor is too long (at most " + MAX_LENGTH + " characters)");
        }
        if (!BASE64URL.matcher(cursor).matches()) {
            throw new InvalidCursorException(MALFORMED);
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException e) {
            throw new InvalidCursorException(MALFORMED);
        }
        // Base64 ignores unused low bits of the last character; only our exact spelling is accepted.
        if (!Base64.getUrlEncoder().withoutPadding().encodeToString(raw).equals(cursor)) {
            throw new InvalidCursorException(MALFORMED);
        }
        if (raw.length < 1 + 2 + TAG_BYTES || raw[0] != VERSION) {
            throw new InvalidCursorException(MALFORMED);
        }
        byte[] payload = Arrays.copyOfRange(raw, 1, raw.length - TAG_BYTES);
        byte[] tag = Arrays.copyOfRange(raw, raw.length - TAG_BYTES, raw.length);
        if (!MessageDigest.isEqual(tag, tag(payload, queryFingerprint))) {
            // Unverified data is read only to choose the clearer message; it is rejected either way.
            String hint = readHint(payload);
            throw new InvalidCursorException(hint != null && !hint.equals(hint(queryFingerprint)) ? OTHER_QUERY : FORGED);
        }
        try {
            JsonNode root = JSON.readTree(payload);
            JsonNode values = root == null ? null : root.get("v");
            if (values == null || !values.isArray()) {
                throw new InvalidCursorException(MALFORMED);
            }
            List<Object> decoded = new ArrayList<>(values.size());
            for (JsonNode value : values) {
                decoded.add(decodeValue(value));
            }
            return new CursorState(queryFingerprint, decoded);
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidCursorException ice) {
                throw ice;
            }
            throw new InvalidCursorException(MALFORMED, e);
        }
    }

    private static ObjectNode encodeValue(Object value) {
        ObjectNode node = JSON.createObjectNode();
        if (value instanceof String s) {
            node.put("s", s);
        } else if (value instanceof UUID u) {
            node.put("u", u.toString());
        } else if (value instanceof Instant i) {
            node.put("t", i.toString());
        } else if (value instanceof OffsetDateTime odt) {
            node.put("t", odt.toInstant().toString());
        } else if (value instanceof BigDecimal d) {
            // Text keeps the exact scale; a JSON number might not survive as the same BigDecimal.
            node.put("n", d.toString());
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short) {
            node.put("l", ((Number) value).longValue());
        } else if (value instanceof Boolean b) {
            node.put("b", b);
        } else if (value instanceof LocalDate d) {
            node.put("d", d.toString());
        } else {
            throw new IllegalArgumentException("unsupported cursor value type: "
                    + (value == null ? "null" : value.getClass().getName()));
        }
        return node;
    }

    private static Object decodeValue(JsonNode node) {
        if (!node.isObject() || node.size() != 1) {
            throw new InvalidCursorException(MALFORMED);
        }
        Map.Entry<String, JsonNode> entry = node.properties().iterator().next();
        JsonNode v = entry.getValue();
        switch (entry.getKey()) {
            case "s":
                return text(v);
            case "u":
                return UUID.fromString(text(v));
            case "t":
                return Instant.parse(text(v));
            case "n":
                return new BigDecimal(text(v));
            case "l":
                if (v.isIntegralNumber() && v.canConvertToLong()) {
                    return v.longValue();
                }
                break;
            case "b":
                if (v.isBoolean()) {
                    return v.booleanValue();
                }
                break;
            case "d":
                return LocalDate.parse(text(v));
            default:
                break;
        }
        throw new InvalidCursorException(MALFORMED);
    }

    private static String text(JsonNode v) {
        if (!v.isTextual()) {
            throw new InvalidCursorException(MALFORMED);
        }
        return v.textValue();
    }

    private static String readHint(byte[] payload) {
        try {
            JsonNode f = JSON.readTree(payload).get("f");
            return f != null && f.isTextual() ? f.textValue() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String hint(String fingerprint) {
        return fingerprint.length() <= FINGERPRINT_HINT ? fingerprint : fingerprint.substring(0, FINGERPRINT_HINT);
    }

    /** Package-private so tests can sign crafted payloads. */
    byte[] tag(byte[] payload, String fingerprint) {
        byte[] fp = fingerprint.getBytes(StandardCharsets.UTF_8);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(DOMAIN);
            // Length prefix keeps the fingerprint/payload boundary unambiguous.
            mac.update(ByteBuffer.allocate(4).putInt(fp.length).array());
            mac.update(fp);
            mac.update(VERSION);
            mac.update(payload);
            return Arrays.copyOf(mac.doFinal(), TAG_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
