package dev.telemetry.consent.ledger;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A machine's own key for its personal fields (AES-256-GCM, from the JDK). Sealed text is base64 of a random 96-bit
 * nonce followed by the ciphertext and its 128-bit tag; the event id is authenticated with it, so sealed fields cannot
 * be moved to another event. Once the key is deleted, nothing can open what it sealed.
 */
final class MachineKey {

    private static final String CIPHER = "AES/GCM/NoPadding";
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final byte[] key;

    private MachineKey(byte[] key) {
        this.key = key;
    }

    static MachineKey generate() {
        byte[] key = new byte[KEY_BYTES];
        Random.SOURCE.nextBytes(key);
        return new MachineKey(key);
    }

    static MachineKey of(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalStateException("a machine key has " + KEY_BYTES + " bytes, not " + key.length);
        }
        return new MachineKey(key.clone());
    }

    byte[] bytes() {
        return key.clone();
    }

    String seal(UUID eventId, String plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        Random.SOURCE.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, eventId);
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** The plaintext, or empty if this key did not seal it (the machine's key was deleted and a new one made). */
    Optional<String> open(UUID eventId, String sealedText) {
        byte[] sealed = Base64.getDecoder().decode(sealedText);
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, java.util.Arrays.copyOf(sealed, NONCE_BYTES), eventId);
            byte[] plain = cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
            return Optional.of(new String(plain, StandardCharsets.UTF_8));
        } catch (AEADBadTagException wrongKey) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    private Cipher cipher(int mode, byte[] nonce, UUID eventId) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance(CIPHER);
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(eventId.toString().getBytes(StandardCharsets.US_ASCII));
        return cipher;
    }

    /** Initialised on first use, at run time (never in a native image's build). */
    private static final class Random {
        static final SecureRandom SOURCE = new SecureRandom();
    }
}
