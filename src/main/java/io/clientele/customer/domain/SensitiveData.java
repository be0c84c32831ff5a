package io.clientele.customer.domain;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.platform.crypto.FieldCipher;

/**
 * The one place a customer's sensitive fields are sealed, opened, indexed and fingerprinted. The entity
 * holds the ciphertext and the blind indexes; the plaintext lives only in memory, for the request at hand.
 */
@ApplicationScoped
public class SensitiveData {

    static final String NATIONAL_ID = "customer.nationalId";
    static final String PERSONAL_PHONE = "customer.personalPhone";

    private final FieldCipher cipher;
    private final ObjectMapper json;
    private final com.fasterxml.jackson.databind.ObjectReader reader;

    SensitiveData(FieldCipher cipher, ObjectMapper json) {
        this.cipher = cipher;
        this.json = json;
        // Sealed by us; a field added later must not make older values unreadable.
        this.reader = json.readerFor(Sensitive.class)
                .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** National ids compare without spaces, dots and dashes, case-insensitively. */
    public static String normaliseNationalId(String value) {
        return value.replaceAll("[\\s.\\-/]", "").toUpperCase(Locale.ROOT);
    }

    /**
     * The blind indexes a national id filter value may be stored under (normalised here): one per configured
     * index key, the active one first, so look-ups keep finding rows during an index-key rotation.
     */
    public static java.util.List<String> nationalIdIndexes(String value) {
        return FieldCipher.installed().blindIndexCandidates(NATIONAL_ID, normaliseNationalId(value));
    }

    /** The same for an E.164 personal phone number. */
    public static java.util.List<String> personalPhoneIndexes(String e164) {
        return FieldCipher.installed().blindIndexCandidates(PERSONAL_PHONE, e164);
    }

    /** Binds a sealed value to its row: a value copied onto another customer fails authentication. */
    static String associatedData(Customer c) {
        return "customer|" + c.id;
    }

    /** The decrypted sensitive fields (cached on the entity for the rest of the request). */
    public Sensitive read(Customer c) {
        if (c.sensitivePlain == null) {
            if (c.sensitiveData == null) {
                c.sensitivePlain = Sensitive.NONE;
            } else {
                try {
                    c.sensitivePlain = reader.readValue(cipher.decrypt(c.sensitiveData, associatedData(c)));
                } catch (IOException e) {
                    throw new IllegalStateException("customer " + c.id + " holds sensitive data that is not JSON", e);
                }
            }
        }
        return c.sensitivePlain;
    }

    /** Whether sensitive fields are stored, without decrypting them. */
    public static boolean present(Customer c) {
        return c.sensitiveData != null;
    }

    /**
     * Sets the sensitive fields to {@code next} (null: leave them as they are); seals them under the active key
     * and recomputes the blind indexes. Returns whether anything changed.
     */
    public boolean assign(Customer c, Sensitive next) {
        if (next == null || next.equals(read(c))) {
            return false;
        }
        seal(c, next, cipher.activeVersion());
        return true;
    }

    /**
     * Re-seals the current value under {@code version} and recomputes its blind indexes under the active index key
     * (the re-encryption job); the plaintext does not change.
     */
    public void reseal(Customer c, int version) {
        seal(c, read(c), version);
    }

    private void seal(Customer c, Sensitive value, int version) {
        c.sensitivePlain = value;
        if (value.isEmpty()) {
            c.sensitiveData = null;
            c.sensitiveKeyVersion = null;
            c.nationalIdIndex = null;
            c.personalPhoneIndex = null;
            c.blindIndexVersion = null;
            return;
        }
        try {
            c.sensitiveData = cipher.encrypt(version, json.writeValueAsBytes(value), associatedData(c));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("sensitive fields are not serialisable", e);
        }
        c.sensitiveKeyVersion = version;
        c.nationalIdIndex = value.nationalId() == null ? null
                : cipher.blindIndex(NATIONAL_ID, normaliseNationalId(value.nationalId()));
        c.personalPhoneIndex = value.personalPhone() == null ? null
                : cipher.blindIndex(PERSONAL_PHONE, value.personalPhone());
        c.blindIndexVersion = cipher.activeIndexVersion();
    }

    /**
     * What history entries and events carry instead of the values: per set field a short keyed fingerprint, so a
     * change shows up in the diff but the value cannot be read back, not even by someone allowed to see it today.
     */
    public Map<String, String> fingerprints(Customer c) {
        if (c.sensitiveData == null) {
            return null;
        }
        Sensitive s = read(c);
        Map<String, String> out = new LinkedHashMap<>();
        put(out, "nationalId", s.nationalId());
        put(out, "birthDate", s.birthDate());
        put(out, "personalPhone", s.personalPhone());
        put(out, "privateNotes", s.privateNotes());
        return out;
    }

    private void put(Map<String, String> out, String field, String value) {
        if (value != null) {
            out.put(field, "fp:" + cipher.blindIndex("fingerprint." + field, value).substring(0, 16));
        }
    }

    /** The masked form shown to callers without customers:read-sensitive: which fields are set, never what. */
    public Map<String, String> masked(Customer c) {
        if (c.sensitiveData == null) {
            return null;
        }
        Sensitive s = read(c);
        Map<String, String> out = new LinkedHashMap<>();
        mask(out, "nationalId", s.nationalId());
        mask(out, "birthDate", s.birthDate());
        mask(out, "personalPhone", s.personalPhone());
        mask(out, "privateNotes", s.privateNotes());
        return out;
    }

    private static void mask(Map<String, String> out, String field, String value) {
        if (value != null) {
            out.put(field, MASK);
        }
    }

    /** The values, for callers with customers:read-sensitive. */
    public Map<String, String> clear(Customer c) {
        if (c.sensitiveData == null) {
            return null;
        }
        Sensitive s = read(c);
        Map<String, String> out = new LinkedHashMap<>();
        putValue(out, "nationalId", s.nationalId());
        putValue(out, "birthDate", s.birthDate());
        putValue(out, "personalPhone", s.personalPhone());
        putValue(out, "privateNotes", s.privateNotes());
        return out;
    }

    private static void putValue(Map<String, String> out, String field, String value) {
        if (value != null) {
            out.put(field, value);
        }
    }

    public static final String MASK = "***";
}
