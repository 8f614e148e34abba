package dev.telemetry.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * The anonymous ID: {@code SHA-256("telemetry-anonymous-id:" + stable machine value)}, hex. The stable value is the
 * OS machine id ({@code /etc/machine-id}, {@code /var/lib/dbus/machine-id}) where there is one, otherwise a random UUID
 * created once in the telemetry home. Nothing personal goes in; the prefix keeps this hash unrelated to other tools'
 * hashes of the same machine id.
 */
final class MachineId {

    private static final List<Path> SOURCES = List.of(Path.of("/etc/machine-id"), Path.of("/var/lib/dbus/machine-id"));

    private MachineId() {
    }

    static String anonymousId(Path home) {
        return anonymousIdOf(stableValue(home));
    }

    static String anonymousIdOf(String stableValue) {
        return sha256("telemetry-anonymous-id:" + stableValue);
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
                // owner-only, like every file of the client (a per-installation secret would be kept the same way)
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
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
