package dev.telemetry.contract;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Replaces a CLI's {@code anonymousId} by {@code HMAC-SHA256(pseudonym key, anonymousId)} before anything is stored
 * or published. Every service that receives machine IDs uses the same key, so they agree on pseudonyms; without the
 * key a pseudonym cannot be linked to a machine ID, even by hashing candidate IDs.
 */
public final class Pseudonyms {

    /** What a CLI sends: a SHA-256, hex-encoded, lowercase. */
    public static final Pattern ANONYMOUS_ID = Pattern.compile("[0-9a-f]{64}");
    private static final int MIN_KEY_BYTES = 32;

    private final SecretKeySpec key;

    private Pseudonyms(byte[] key) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the pseudonym key must have at least " + MIN_KEY_BYTES
                    + " bytes, it has " + key.length);
        }
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    /** @param base64Key the key as configured ({@code PSEUDONYM_KEY}), base64 */
    public static Pseudonyms fromBase64(String base64Key) {
        try {
            return new Pseudonyms(Base64.getDecoder().decode(base64Key.trim()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the pseudonym key is not valid base64 of at least " + MIN_KEY_BYTES
                    + " bytes", e);
        }
    }

    /** The same test as {@link #ANONYMOUS_ID}, without a regular expression: it runs for every pushed event. */
    public static boolean isAnonymousId(String value) {
        return Canonical.isLowerHex256(value);
    }

    /** @throws IllegalArgumentException if {@code anonymousId} is not 64 lowercase hex characters */
    public String of(String anonymousId) {
        if (!isAnonymousId(anonymousId)) {
            throw new IllegalArgumentException("not an anonymous id");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(anonymousId.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
