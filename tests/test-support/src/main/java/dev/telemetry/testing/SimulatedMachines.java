package dev.telemetry.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;

import dev.telemetry.contract.MachineProofs;
import dev.telemetry.contract.Pseudonyms;

/** What every simulated CLI installation has: an anonymous ID as a client derives it, and the services' pseudonym. */
public final class SimulatedMachines {

    private SimulatedMachines() {
    }

    /** A fresh anonymous ID: a SHA-256 in lowercase hex, as the client computes from its machine value. */
    public static String newAnonymousId() {
        return sha256(UUID.randomUUID().toString());
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The machine's proof, as its client would send it. Services cannot tell how a proof was derived (the client's
     * secret never leaves it), so a simulated one only has to be 32 bytes that differ per machine.
     */
    public static String proofOf(String anonymousId) {
        return sha256("simulated-proof:" + anonymousId);
    }

    /** What the services store and publish instead of the proof. */
    public static String verifierOf(String anonymousId) {
        return MachineProofs.verifierOf(proofOf(anonymousId));
    }

    /** What the services store and publish instead of the anonymous ID, under the test's pseudonym key. */
    public static String pseudonymOf(String anonymousId) {
        return Pseudonyms.fromBase64(ConfigProvider.getConfig().getValue("pseudonym.key", String.class))
                .of(anonymousId);
    }
}
