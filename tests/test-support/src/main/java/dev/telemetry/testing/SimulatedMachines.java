package dev.telemetry.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;

import dev.telemetry.contract.Pseudonyms;

/** What every simulated CLI installation has: an anonymous ID as a client derives it, and the services' pseudonym. */
public final class SimulatedMachines {

    private SimulatedMachines() {
    }

    /** A fresh anonymous ID: a SHA-256 in lowercase hex, as the client computes from its machine value. */
    public static String newAnonymousId() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the services store and publish instead of the anonymous ID, under the test's pseudonym key. */
    public static String pseudonymOf(String anonymousId) {
        return Pseudonyms.fromBase64(ConfigProvider.getConfig().getValue("pseudonym.key", String.class))
                .of(anonymousId);
    }
}
