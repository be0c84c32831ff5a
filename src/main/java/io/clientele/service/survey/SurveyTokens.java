package io.clientele.service.survey;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The capability in a survey's public link: the survey id and an expiry, HMAC-SHA256-signed with the
 * configured key. Signature and expiry are checked here; single use is enforced by the database.
 */
public final class SurveyTokens {

    public static final int MIN_KEY_BYTES = 32;
    private static final byte VERSION = 1;
    private static final int PAYLOAD = 1 + 16 + 8;
    private static final int TAG = 32;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    /** What a genuine token says. */
    public record Claims(UUID surveyId, Instant expiresAt) {
    }

    /** A link that was not issued by us, or was changed. */
    public static final class InvalidToken extends RuntimeException {
        InvalidToken() {
            super("survey link is not valid", null, false, false);
        }
    }

    private final SecretKeySpec key;

    public SurveyTokens(String secret) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the survey signing key must be at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(bytes, "HmacSHA256");
    }

    public String issue(UUID surveyId, Instant expiresAt) {
        ByteBuffer buf = ByteBuffer.allocate(PAYLOAD + TAG);
        buf.put(VERSION).putLong(surveyId.getMostSignificantBits()).putLong(surveyId.getLeastSignificantBits())
                .putLong(expiresAt.getEpochSecond());
        byte[] raw = buf.array();
        System.arraycopy(tag(raw), 0, raw, PAYLOAD, TAG);
        return ENCODER.encodeToString(raw);
    }

    /** The claims of a genuine token; {@link InvalidToken} for anything else (expiry is the caller's check). */
    public Claims verify(String token) {
        if (token == null || token.length() > 100) {
            throw new InvalidToken();
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw new InvalidToken();
        }
        if (raw.length != PAYLOAD + TAG || raw[0] != VERSION) {
            throw new InvalidToken();
        }
        byte[] given = new byte[TAG];
        System.arraycopy(raw, PAYLOAD, given, 0, TAG);
        // Constant-time comparison: timing must not reveal how much of a forged tag was right.
        if (!MessageDigest.isEqual(given, tag(raw))) {
            throw new InvalidToken();
        }
        ByteBuffer buf = ByteBuffer.wrap(raw, 1, PAYLOAD - 1);
        UUID id = new UUID(buf.getLong(), buf.getLong());
        return new Claims(id, Instant.ofEpochSecond(buf.getLong()));
    }

    private byte[] tag(byte[] raw) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(raw, 0, PAYLOAD);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
