package io.clientele.platform.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.clientele.platform.webhooks.WebhookSignatures.Verdict;

class WebhookSignaturesTest {

    // The Standard Webhooks specification's published example (secret, id, timestamp, body and signature).
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TS = 1614265330;
    private static final String BODY = "{\"test\": 2432232314}";

    @Test
    void matchesTheStandardWebhooksReferenceSignature() {
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", WebhookSignatures.sign(SECRET, ID, TS, BODY));
    }

    @Test
    void verifiesWithinToleranceOnceAndRejectsReplaysForgeriesAndStaleTimestamps() {
        Instant now = Instant.ofEpochSecond(TS + 10);
        String header = WebhookSignatures.header(List.of(SECRET), ID, TS, BODY);
        Set<String> seen = new HashSet<>();
        Duration tolerance = WebhookSignatures.DEFAULT_TOLERANCE;
        assertEquals(Verdict.VALID, WebhookSignatures.verify(List.of(SECRET), ID, "" + TS, header, BODY, now,
                tolerance, seen::add));
        assertEquals(Verdict.REPLAYED, WebhookSignatures.verify(List.of(SECRET), ID, "" + TS, header, BODY, now,
                tolerance, seen::add));
        Set<String> fresh = new HashSet<>();
        assertEquals(Verdict.TIMESTAMP_OUT_OF_TOLERANCE, WebhookSignatures.verify(List.of(SECRET), ID, "" + TS,
                header, BODY, now.plus(Duration.ofMinutes(6)), tolerance, fresh::add));
        assertEquals(Verdict.TIMESTAMP_OUT_OF_TOLERANCE, WebhookSignatures.verify(List.of(SECRET), ID, "" + TS,
                header, BODY, now.minus(Duration.ofMinutes(6)), tolerance, fresh::add));
        // A moved timestamp breaks the signature (it is signed), so an attacker cannot refresh a capture.
        assertEquals(Verdict.BAD_SIGNATURE, WebhookSignatures.verify(List.of(SECRET), ID, "" + (TS + 5), header,
                BODY, now, tolerance, fresh::add));
        assertEquals(Verdict.BAD_SIGNATURE, WebhookSignatures.verify(List.of(SECRET), "msg_other", "" + TS, header,
                BODY, now, tolerance, fresh::add));
        assertEquals(Verdict.MISSING_HEADERS, WebhookSignatures.verify(List.of(SECRET), ID, null, header, BODY, now,
                tolerance, fresh::add));
        assertEquals(Verdict.BAD_TIMESTAMP, WebhookSignatures.verify(List.of(SECRET), ID, "soon", header, BODY, now,
                tolerance, fresh::add));
        assertTrue(fresh.isEmpty(), "only verified ids are remembered");
    }

    @Test
    void duringARotationEitherSecretVerifies() {
        String other = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
        String header = WebhookSignatures.header(List.of(other, SECRET), ID, TS, BODY);
        Instant now = Instant.ofEpochSecond(TS);
        assertEquals(Verdict.VALID, WebhookSignatures.verify(List.of(SECRET), ID, "" + TS, header, BODY, now,
                Duration.ofMinutes(5), id -> true));
        assertEquals(Verdict.VALID, WebhookSignatures.verify(List.of(other), ID, "" + TS, header, BODY, now,
                Duration.ofMinutes(5), id -> true));
    }

    @Test
    void theSsrfGuardRefusesInternalAddresses() throws Exception {
        ReceiverAddresses production = new ReceiverAddresses(true, false);
        for (String ip : List.of("127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "0.0.0.0",
                "100.64.0.1", "::1", "fd00::1", "fe80::1", "::ffff:10.0.0.1", "224.0.0.1")) {
            assertFalse(production.allowed(InetAddress.getByName(ip)), ip);
        }
        assertTrue(production.allowed(InetAddress.getByName("93.184.216.34")));
        assertTrue(production.allowed(InetAddress.getByName("2606:2800:220:1:248:1893:25c8:1946")));
        assertEquals("must use https", production.problem("http://127.0.0.1:8080/hook"));
        assertEquals("points to an internal address", production.problem("https://192.168.0.10/hook"));
        // The test allowance covers plain http to loopback only.
        ReceiverAddresses test = new ReceiverAddresses(true, true);
        assertEquals(null, test.problem("http://127.0.0.1:8080/hook"));
        assertEquals("must use https", test.problem("http://10.0.0.1/hook"));
        assertFalse(test.allowed(InetAddress.getByName("10.0.0.1")));
    }
}
