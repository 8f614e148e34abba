package dev.telemetry.benchmarks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Machines as the reference client makes them (docs/what-we-collect.md): an installation secret, the anonymous ID
 * and the proof derived from it. The benchmark derives each machine's secret from a stable value instead of drawing
 * it at random, so that a machine's ID and proof can be recomputed from its ID alone within one run.
 */
final class Machines {

    private static final HexFormat HEX = HexFormat.of();

    private Machines() {
    }

    /** A simulated machine: its anonymous ID and proof. */
    record Machine(String anonymousId, String proof) {
    }

    static Machine machine(String stableValue) {
        byte[] secret = sha256(("benchmark-installation-secret:" + stableValue).getBytes(StandardCharsets.UTF_8));
        String anonymousId = HEX.formatHex(sha256(("telemetry-anonymous-id-v2:" + stableValue + ":"
                + HEX.formatHex(secret)).getBytes(StandardCharsets.UTF_8)));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return new Machine(anonymousId, HEX.formatHex(mac.doFinal(("telemetry-proof-v1:" + anonymousId)
                    .getBytes(StandardCharsets.US_ASCII))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
