package io.clientele.platform.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.config.ClienteleConfig;
import io.quarkus.runtime.Startup;

/**
 * AES-256-GCM encryption of sensitive values with versioned keys, and keyed blind indexes (HMAC-SHA256)
 * for equality look-ups on them. A sealed value is {@code [format 1][key version, 4 bytes][nonce, 12]
 * [ciphertext + 16-byte tag]}; the associated data binds it to its record, so a value copied onto
 * another row does not decrypt.
 */
@Startup
@ApplicationScoped
public class FieldCipher {

    static final byte FORMAT = 1;
    static final int NONCE_BYTES = 12;
    static final int TAG_BITS = 128;
    private static final int HEADER = 1 + 4 + NONCE_BYTES;

    /** For the static query schemas, whose filter normalisers turn a value into its blind index. */
    private static volatile FieldCipher installed;

    private final Map<Integer, SecretKeySpec> keys;
    private final int active;
    private final SecretKeySpec indexKey;
    // Created on first use at run time, never during static initialisation (native images).
    private volatile SecureRandom random;

    @jakarta.inject.Inject
    FieldCipher(ClienteleConfig config) {
        this(config.crypto().keys(), config.crypto().activeVersion(), config.crypto().blindIndexKey());
        installed = this;
    }

    /** A cipher over explicit keys (base64 of 32 bytes by version); fails fast on anything unusable. */
    public FieldCipher(Map<String, String> keys, int activeVersion, String blindIndexKey) {
        Map<Integer, SecretKeySpec> parsed = new TreeMap<>();
        keys.forEach((version, value) -> {
            int v;
            try {
                v = Integer.parseInt(version.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("clientele.crypto.keys." + version + ": the key version must be a"
                        + " positive integer");
            }
            byte[] raw = decode("clientele.crypto.keys." + version, value);
            if (v <= 0 || raw.length != 32) {
                throw new IllegalArgumentException("clientele.crypto.keys." + version
                        + " must be base64 of exactly 32 bytes (AES-256) under a positive version");
            }
            parsed.put(v, new SecretKeySpec(raw, "AES"));
        });
        if (!parsed.containsKey(activeVersion)) {
            throw new IllegalArgumentException("clientele.crypto.active-version=" + activeVersion
                    + " names no configured key (clientele.crypto.keys.<version>)");
        }
        byte[] index = decode("clientele.crypto.blind-index-key", blindIndexKey);
        if (index.length < 32) {
            throw new IllegalArgumentException("clientele.crypto.blind-index-key must be base64 of at least 32 bytes");
        }
        for (SecretKeySpec k : parsed.values()) {
            if (java.util.Arrays.equals(k.getEncoded(), index)) {
                throw new IllegalArgumentException("clientele.crypto.blind-index-key must differ from every encryption key");
            }
        }
        this.keys = Collections.unmodifiableMap(parsed);
        this.active = activeVersion;
        this.indexKey = new SecretKeySpec(index, "HmacSHA256");
    }

    private static byte[] decode(String name, String value) {
        try {
            return Base64.getDecoder().decode(value.strip());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(name + " is not valid base64");
        }
    }

    /** The cipher of the running service. */
    public static FieldCipher installed() {
        FieldCipher cipher = installed;
        if (cipher == null) {
            throw new IllegalStateException("field encryption is not configured yet");
        }
        return cipher;
    }

    public int activeVersion() {
        return active;
    }

    public java.util.Set<Integer> versions() {
        return keys.keySet();
    }

    /** Encrypts under the active key. */
    public byte[] encrypt(byte[] plaintext, String associatedData) {
        return encrypt(active, plaintext, associatedData);
    }

    /** Encrypts under a given configured key version (re-encryption and tests use the active one, or an old one). */
    public byte[] encrypt(int version, byte[] plaintext, String associatedData) {
        SecretKeySpec key = keys.get(version);
        if (key == null) {
            throw new CryptoException("no key version " + version + " is configured");
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random().nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(HEADER + sealed.length).put(FORMAT).putInt(version).put(nonce).put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** The key version a sealed value was encrypted with (read from its header, nothing decrypted). */
    public static int keyVersion(byte[] sealed) {
        if (sealed == null || sealed.length < HEADER + TAG_BITS / 8 || sealed[0] != FORMAT) {
            throw new CryptoException("not a sealed value of format " + FORMAT);
        }
        return ByteBuffer.wrap(sealed, 1, 4).getInt();
    }

    /** Decrypts and authenticates; a wrong key, a changed byte or other associated data throw {@link CryptoException}. */
    public byte[] decrypt(byte[] sealed, String associatedData) {
        int version = keyVersion(sealed);
        SecretKeySpec key = keys.get(version);
        if (key == null) {
            throw new CryptoException("the value is encrypted with key version " + version
                    + ", which is not configured (clientele.crypto.keys." + version + ")");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 5, NONCE_BYTES));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(sealed, HEADER, sealed.length - HEADER);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new CryptoException("the value failed authentication under key version " + version
                    + " (wrong key, or the stored bytes were changed)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * The blind index of a normalised value: HMAC-SHA256 under the blind-index key, over the field's domain and
     * the value, base64url. Equal values give equal indexes; nothing about the value can be read back.
     */
    public String blindIndex(String domain, String normalised) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(indexKey);
            mac.update(domain.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(normalised.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private SecureRandom random() {
        SecureRandom r = random;
        if (r == null) {
            synchronized (this) {
                if (random == null) {
                    random = new SecureRandom();
                }
                r = random;
            }
        }
        return r;
    }
}
