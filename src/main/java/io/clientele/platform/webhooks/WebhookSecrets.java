package io.clientele.platform.webhooks;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.crypto.FieldCipher;

/**
 * Signing secrets at rest: sealed with the field-encryption key (AES-256-GCM, key version inside), bound to
 * their subscription so a sealed secret copied to another row does not open. The clear secret exists only in
 * memory while signing, and in the create and rotate responses.
 */
@ApplicationScoped
public class WebhookSecrets {

    private static final String PREFIX = "gcm:";

    private final FieldCipher cipher;

    WebhookSecrets(FieldCipher cipher) {
        this.cipher = cipher;
    }

    public String seal(String secret, UUID subscriptionId) {
        return seal(cipher.activeVersion(), secret, subscriptionId);
    }

    /** Seals under a given key version (the re-encryption job moves secrets to the active one). */
    public String seal(int version, String secret, UUID subscriptionId) {
        byte[] sealed = cipher.encrypt(version, secret.getBytes(StandardCharsets.UTF_8), context(subscriptionId));
        return PREFIX + Base64.getEncoder().encodeToString(sealed);
    }

    /** The key version a stored secret is sealed with (nothing decrypted). */
    public static int keyVersion(String stored) {
        return FieldCipher.keyVersion(Base64.getDecoder().decode(stored.substring(PREFIX.length())));
    }

    public String open(String stored, UUID subscriptionId) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            throw new IllegalStateException("webhook secret of subscription " + subscriptionId + " is not sealed");
        }
        byte[] sealed = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
        return new String(cipher.decrypt(sealed, context(subscriptionId)), StandardCharsets.UTF_8);
    }

    private static String context(UUID subscriptionId) {
        return "webhook-secret:" + subscriptionId;
    }
}
