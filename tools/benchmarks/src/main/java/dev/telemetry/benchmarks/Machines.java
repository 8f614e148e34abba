package dev.telemetry.benchmarks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Anonymous IDs as the reference client makes them: a SHA-256 in lowercase hex. */
final class Machines {

    private Machines() {
    }

    static String anonymousId(String stableValue) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(("telemetry-anonymous-id:" + stableValue).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
