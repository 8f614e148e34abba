package dev.telemetry.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The machine's identity towards the services, derived from the installation secret ({@link InstallationSecret}):
 * <ul>
 * <li>{@code anonymousId = hex(SHA-256(UTF-8("telemetry-anonymous-id-v2:" + machine value + ":" + hex(secret))))}</li>
 * <li>{@code proof = hex(HMAC-SHA256(secret, US-ASCII("telemetry-proof-v1:" + anonymousId)))}</li>
 * </ul>
 * The machine value is the OS machine id ({@code /etc/machine-id}, {@code /var/lib/dbus/machine-id}) where there is
 * one, otherwise a random UUID created once in the telemetry home. The secret makes the anonymous ID impossible to
 * compute from the machine id, and the proof impossible to compute from the anonymous ID; the machine value keeps two
 * machines apart that share a copied telemetry home (an image baked after the CLI ran, a synced home directory).
 * Nothing personal goes in; the prefixes keep these hashes unrelated to other tools' hashes of the same values.
 */
final class MachineId {

    private static final List<Path> SOURCES = List.of(Path.of("/etc/machine-id"), Path.of("/var/lib/dbus/machine-id"));
    private static final HexFormat HEX = HexFormat.of();

    private MachineId() {
    }

    /** @param machineValue the CLI's own stable value, or null for the OS machine id */
    static String anonymousId(Path home, String machineValue, byte[] secret) {
        return anonymousIdOf(machineValue != null ? machineValue : stableValue(home), secret);
    }

    static String anonymousIdOf(String machineValue, byte[] secret) {
        return sha256("telemetry-anonymous-id-v2:" + machineValue + ":" + HEX.formatHex(secret));
    }

    static String proofOf(byte[] secret, String anonymousId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HEX
                    .formatHex(mac.doFinal(("telemetry-proof-v1:" + anonymousId).getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static String stableValue(Path home) {
        for (Path source : SOURCES) {
            try {
                String value = Files.readString(source, StandardCharsets.US_ASCII).trim();
                if (!value.isEmpty()) {
                    return value;
                }
            } catch (IOException | SecurityException unreadable) {
                // try the next source
            }
        }
        Path installation = home.resolve("installation-id");
        try {
            String kept = Files.isRegularFile(installation)
                    ? Files.readString(installation, StandardCharsets.ISO_8859_1).trim()
                    : "";
            if (!kept.matches("[0-9a-f-]{36}")) { // missing or corrupted: a new installation
                kept = UUID.randomUUID().toString();
                OwnerOnly.write(installation, kept.getBytes(StandardCharsets.US_ASCII));
            }
            return kept;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(String value) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
