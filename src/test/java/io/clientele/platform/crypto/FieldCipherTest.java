package io.clientele.platform.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FieldCipherTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static String key(int bytes) {
        byte[] k = new byte[bytes];
        RANDOM.nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    private static final String K1 = key(32);
    private static final String K2 = key(32);
    private static final String INDEX = key(32);
    private static final byte[] SECRET = "{\"nationalId\":\"AB123456C\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void sealsUnderTheActiveVersionWithAFreshNonceEveryTime() {
        FieldCipher cipher = new FieldCipher(Map.of("1", K1, "2", K2), 2, INDEX);
        byte[] a = cipher.encrypt(SECRET, "customer|x");
        byte[] b = cipher.encrypt(SECRET, "customer|x");
        assertEquals(2, FieldCipher.keyVersion(a));
        assertNotEquals(Base64.getEncoder().encodeToString(a), Base64.getEncoder().encodeToString(b),
                "same plaintext, different ciphertext");
        assertEquals(1 + 4 + 12 + SECRET.length + 16, a.length);
        assertArrayEquals(SECRET, cipher.decrypt(a, "customer|x"));
        // An old version stays readable while it is configured.
        assertArrayEquals(SECRET, cipher.decrypt(cipher.encrypt(1, SECRET, "customer|x"), "customer|x"));
    }

    @Test
    void wrongKeysTamperingOtherRowsAndUnknownVersionsAreRefused() {
        FieldCipher cipher = new FieldCipher(Map.of("1", K1, "2", K2), 2, INDEX);
        byte[] sealed = cipher.encrypt(SECRET, "customer|x");
        FieldCipher other = new FieldCipher(Map.of("2", key(32)), 2, INDEX);
        assertThrows(CryptoException.class, () -> other.decrypt(sealed, "customer|x"));
        assertThrows(CryptoException.class, () -> cipher.decrypt(sealed, "customer|y"));
        for (int i = 5; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x40;
            int at = i;
            assertThrows(CryptoException.class, () -> cipher.decrypt(tampered, "customer|x"), "byte " + at);
        }
        FieldCipher onlyOld = new FieldCipher(Map.of("1", K1), 1, INDEX);
        CryptoException e = assertThrows(CryptoException.class, () -> onlyOld.decrypt(sealed, "customer|x"));
        assertTrue(e.getMessage().contains("key version 2"), e.getMessage());
        assertThrows(CryptoException.class, () -> cipher.decrypt(new byte[10], "customer|x"));
        byte[] wrongFormat = sealed.clone();
        wrongFormat[0] = 9;
        assertThrows(CryptoException.class, () -> cipher.decrypt(wrongFormat, "customer|x"));
    }

    @Test
    void blindIndexesAreKeyedDeterministicAndSeparatedByField() {
        FieldCipher cipher = new FieldCipher(Map.of("1", K1), 1, INDEX);
        String a = cipher.blindIndex("customer.nationalId", "AB123456C");
        assertEquals(a, cipher.blindIndex("customer.nationalId", "AB123456C"));
        assertNotEquals(a, cipher.blindIndex("customer.personalPhone", "AB123456C"));
        assertNotEquals(a, new FieldCipher(Map.of("1", K1), 1, key(32)).blindIndex("customer.nationalId", "AB123456C"));
        assertEquals(43, a.length(), "base64url of 32 bytes");
    }

    @Test
    void unusableConfigurationStopsStartUpWithTheKeyNamed() {
        assertMessage("clientele.crypto.keys.1 must be base64 of exactly 32 bytes",
                () -> new FieldCipher(Map.of("1", key(16)), 1, INDEX));
        assertMessage("clientele.crypto.keys.1 is not valid base64",
                () -> new FieldCipher(Map.of("1", "not base64!"), 1, INDEX));
        assertMessage("active-version=3 names no configured key",
                () -> new FieldCipher(Map.of("1", K1), 3, INDEX));
        assertMessage("the key version must be a positive integer",
                () -> new FieldCipher(Map.of("one", K1), 1, INDEX));
        assertMessage("blind-index-key must be base64 of at least 32 bytes",
                () -> new FieldCipher(Map.of("1", K1), 1, key(16)));
        assertMessage("blind-index-key must differ from every encryption key",
                () -> new FieldCipher(Map.of("1", K1), 1, K1));
    }

    private static void assertMessage(String expected, Runnable construct) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construct::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
