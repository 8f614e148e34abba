package dev.telemetry.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The installation's secret: 32 random bytes, created the first time the client needs an identity (never at build
 * or install time, so an image built without running the CLI carries none), kept owner-only in the telemetry home
 * as 64 hexadecimal characters ({@code installation-secret}). It never leaves the machine: the anonymous ID and the
 * proof are derived from it ({@link MachineId}). Deleting it makes the installation a new machine.
 */
final class InstallationSecret {

    static final String FILE = "installation-secret";
    private static final int BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private InstallationSecret() {
    }

    /** The secret of the installation in {@code home}, created if missing or unreadable. */
    static byte[] of(Path home) {
        Path file = home.resolve(FILE);
        try {
            // Whether it existed is decided by this one look: a file another process creates after it is not
            // corrupted, and is read below once this process's creation loses.
            boolean existed = Files.isRegularFile(file);
            byte[] kept = existed ? read(file) : null;
            if (kept != null) {
                return kept;
            }
            byte[] fresh = new byte[BYTES];
            RANDOM.nextBytes(fresh);
            byte[] text = HexFormat.of().formatHex(fresh).getBytes(StandardCharsets.US_ASCII);
            if (existed) { // corrupted: a new installation
                OwnerOnly.write(file, text);
                return fresh;
            }
            // Two processes (a command and its sender) may get here at once: the first one's secret is everyone's.
            if (OwnerOnly.createOnce(file, text)) {
                return fresh;
            }
            byte[] raced = read(file);
            if (raced == null) {
                throw new IOException("the installation secret could not be created");
            }
            return raced;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        String text = Files.readString(file, StandardCharsets.ISO_8859_1).trim();
        return text.matches("[0-9a-f]{64}") ? HexFormat.of().parseHex(text) : null;
    }
}
