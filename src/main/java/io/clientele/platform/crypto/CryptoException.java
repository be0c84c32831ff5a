package io.clientele.platform.crypto;

/** A value that cannot be decrypted: unknown key version, wrong key, or tampered or truncated ciphertext. */
public class CryptoException extends RuntimeException {

    public CryptoException(String message) {
        super(message);
    }

    public CryptoException(String message, Throwable cause) {
        super(message, cause);
    }
}
