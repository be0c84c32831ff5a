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
    private final Map<Integer, SecretKeySpec> indexKeys;
    private final int activeIndex;
    // Created on first use at run time, never during static initialisation (native images).
    private volatile SecureRandom random;

    @jakarta.inject.Inject
    FieldCipher(ClienteleConfig config) {
        this(config.crypto().keys(), config.crypto().activeVersion(), indexKeys(config.crypto()),
                config.crypto().blindIndexActiveVersion().orElse(1));
        installed = this;
    }

    /** A cipher over explicit keys with one blind-index key (version 1); fails fast on anything unusable. */
    public FieldCipher(Map<String, String> keys, int activeVersion, String blindIndexKey) {
        this(keys, activeVersion, Map.of("clientele.crypto.blind-index-key", Map.entry(1, nonNull(blindIndexKey))), 1);
    }

    /**
     * A cipher over explicit encryption keys and versioned blind-index keys ({@code indexKeys}: configuration name
     * to version and base64 value); fails fast on anything unusable.
     */
    public FieldCipher(Map<String, String> keys, int activeVersion, Map<String, Map.Entry<Integer, String>> indexKeys,
            int activeIndexVersion) {
        Map<Integer, SecretKeySpec> parsed = new TreeMap<>();
        keys.forEach((version, value) -> {
            int v = version(version, "clientele.crypto.keys.");
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
        Map<Integer, SecretKeySpec> index = new TreeMap<>();
        indexKeys.forEach((name, entry) -> {
            byte[] raw = decode(name, entry.getValue());
            if (raw.length < 32) {
                throw new IllegalArgumentException(name + " must be base64 of at least 32 bytes");
            }
            for (SecretKeySpec k : parsed.values()) {
                if (java.util.Arrays.equals(k.getEncoded(), raw)) {
                    throw new IllegalArgumentException(name + " must differ from every encryption key");
                }
            }
            index.put(entry.getKey(), new SecretKeySpec(raw, "HmacSHA256"));
        });
        if (!index.containsKey(activeIndexVersion)) {
            throw new IllegalArgumentException("clientele.crypto.blind-index-active-version=" + activeIndexVersion
                    + " names no configured blind-index key (clientele.crypto.blind-index-keys.<version>)");
        }
        this.keys = Collections.unmodifiableMap(parsed);
        this.active = activeVersion;
        this.indexKeys = Collections.unmodifiableMap(index);
        this.activeIndex = activeIndexVersion;
    }

    /**
     * The blind-index keys of the configuration: {@code blind-index-keys.<version>}, or the single
     * {@code blind-index-key} of deployments from before index-key rotation, which is version 1. Both at once is
     * refused: which one is version 1 would be a guess.
     */
    private static Map<String, Map.Entry<Integer, String>> indexKeys(ClienteleConfig.Crypto crypto) {
        Map<String, Map.Entry<Integer, String>> out = new TreeMap<>();
        crypto.blindIndexKeys().forEach((version, value) -> out.put("clientele.crypto.blind-index-keys." + version,
                Map.entry(version(version, "clientele.crypto.blind-index-keys."), value)));
        if (crypto.blindIndexKey().isPresent()) {
            if (!out.isEmpty()) {
                throw new IllegalArgumentException("configure either clientele.crypto.blind-index-key (one key, version"
                        + " 1) or clientele.crypto.blind-index-keys.<version>, not both");
            }
            out.put("clientele.crypto.blind-index-key", Map.entry(1, crypto.blindIndexKey().get()));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no blind-index key is configured (clientele.crypto.blind-index-keys.1"
                    + " or clientele.crypto.blind-index-key)");
        }
        return out;
    }

    private static int version(String version, String prefix) {
        try {
            int v = Integer.parseInt(version.strip());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(prefix + version + ": the key version must be a positive integer");
    }

    private static String nonNull(String value) {
        if (value == null) {
            throw new IllegalArgumentException("clientele.crypto.blind-index-key is not valid base64");
        }
        return value;
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
     * The blind index of a normalised value under the active blind-index key: HMAC-SHA256 over the field's domain
     * and the value, base64url. Equal values give equal indexes; nothing about the value can be read back.
     */
    public String blindIndex(String domain, String normalised) {
        return blindIndex(activeIndex, domain, normalised);
    }

    /** The blind index under a given configured index-key version. */
    public String blindIndex(int version, String domain, String normalised) {
        SecretKeySpec key = indexKeys.get(version);
        if (key == null) {
            throw new CryptoException("no blind-index key version " + version + " is configured");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(domain.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(normalised.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /**
     * What an equality look-up compares with: the index under every configured index key, the active one first.
     * During a rotation rows not yet re-indexed still carry the old key's index; once the old key is removed from
     * the configuration (after the job finished), only the active one is probed.
     */
    public java.util.List<String> blindIndexCandidates(String domain, String normalised) {
        java.util.List<String> out = new java.util.ArrayList<>();
        out.add(blindIndex(activeIndex, domain, normalised));
        for (int v : indexKeys.keySet()) {
            if (v != activeIndex) {
                out.add(blindIndex(v, domain, normalised));
            }
        }
        return out;
    }

    public int activeIndexVersion() {
        return activeIndex;
    }

    public java.util.Set<Integer> indexVersions() {
        return indexKeys.keySet();
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
