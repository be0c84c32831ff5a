package io.clientele.platform.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,base64(HMAC-SHA256(key, id + "." + timestamp + "." + body))}, where the
 * key is the base64 part of a {@code whsec_...} secret. Used by the sender, and a self-contained reference for
 * receivers ({@link #verify}): check the signature against every current secret, refuse timestamps outside the
 * tolerance, and refuse a message id seen before (docs/webhooks.md, "Verifying deliveries").
 */
public final class WebhookSignatures {

    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";
    public static final String SECRET_PREFIX = "whsec_";
    /** The tolerance Standard Webhooks recommends to receivers. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private WebhookSignatures() {
    }

    /** One {@code v1,<signature>} entry. */
    public static String sign(String secret, String id, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            byte[] digest = mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The header value signed with each secret (two during a rotation), space-separated. */
    public static String header(List<String> secrets, String id, long timestamp, String body) {
        List<String> entries = new ArrayList<>(secrets.size());
        for (String secret : secrets) {
            entries.add(sign(secret, id, timestamp, body));
        }
        return String.join(" ", entries);
    }

    /** Why a delivery was refused by {@link #verify}. */
    public enum Verdict {
        VALID, MISSING_HEADERS, BAD_TIMESTAMP, TIMESTAMP_OUT_OF_TOLERANCE, BAD_SIGNATURE, REPLAYED
    }

    /** Remembers message ids a receiver has accepted, at least as long as the tolerance (replay defence). */
    public interface SeenIds {
        /** Records {@code id}; false if it was already recorded. */
        boolean firstTime(String id);
    }

    /**
     * What a receiver should do with a request: the signature must match one of {@code secrets} (keep the old
     * and the new secret during a rotation), the timestamp must be within {@code tolerance} of {@code now}, and
     * the id must not have been accepted before. The id is recorded only when everything else holds.
     */
    public static Verdict verify(List<String> secrets, String id, String timestamp, String signatures, String body,
            Instant now, Duration tolerance, SeenIds seen) {
        if (id == null || timestamp == null || signatures == null) {
            return Verdict.MISSING_HEADERS;
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return Verdict.BAD_TIMESTAMP;
        }
        if (Math.abs(now.getEpochSecond() - ts) > tolerance.toSeconds()) {
            return Verdict.TIMESTAMP_OUT_OF_TOLERANCE;
        }
        List<String> offered = List.of(signatures.trim().split("\\s+"));
        boolean valid = false;
        for (String secret : secrets) {
            byte[] expected = sign(secret, id, ts, body).getBytes(StandardCharsets.UTF_8);
            for (String candidate : offered) {
                // Constant-time comparison: timing must not reveal how much of a forged signature is right.
                valid |= MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!valid) {
            return Verdict.BAD_SIGNATURE;
        }
        return seen.firstTime(id) ? Verdict.VALID : Verdict.REPLAYED;
    }

    static byte[] key(String secret) {
        String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        return Base64.getDecoder().decode(encoded);
    }
}
