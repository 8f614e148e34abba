package dev.telemetry.contract;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The machine proof a CLI sends with every consent request and push ({@code Telemetry-Proof}, 64 lowercase hex
 * characters: {@code HMAC-SHA256(installation secret, "telemetry-proof-v1:" + anonymousId)}), and its verifier,
 * {@code SHA-256} of the proof's 32 bytes, the only form the services store and publish. The proof is as
 * unpredictable as the secret, so an unsalted hash suffices: a leaked verifier does not let anyone compute the proof.
 */
public final class MachineProofs {

    /** The HTTP header that carries the proof. */
    public static final String HEADER = "Telemetry-Proof";
    /** The HTTP header that carries the anonymous ID in consent requests (never a URL path). */
    public static final String ANONYMOUS_ID_HEADER = "Telemetry-Anonymous-Id";
    private static final HexFormat HEX = HexFormat.of();
    /** Compared against when a machine has no verifier, so that an unknown machine costs what a wrong proof costs. */
    private static final byte[] NO_VERIFIER = new byte[32];

    private MachineProofs() {
    }

    public static boolean isProof(String value) {
        return Canonical.isLowerHex256(value);
    }

    /** @throws IllegalArgumentException if {@code proof} is not 64 lowercase hex characters */
    public static String verifierOf(String proof) {
        if (!isProof(proof)) {
            throw new IllegalArgumentException("not a machine proof");
        }
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(HEX.parseHex(proof)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /**
     * Whether the presented verifier is the stored one, in time independent of where they differ; a machine
     * without a stored verifier ({@code stored == null}), or with one not of a verifier's form, matches nothing and
     * costs the same comparison.
     */
    public static boolean matches(String stored, String presented) {
        boolean wellFormed = Canonical.isLowerHex256(stored);
        byte[] expected = wellFormed ? HEX.parseHex(stored) : NO_VERIFIER;
        byte[] actual = Canonical.isLowerHex256(presented) ? HEX.parseHex(presented) : new byte[32];
        return MessageDigest.isEqual(expected, actual) && wellFormed && Canonical.isLowerHex256(presented);
    }
}
