package dev.telemetry.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallationSecretTest {

    @TempDir
    Path home;

    @Test
    void theSecretIs256RandomBitsKeptOwnerOnly() throws Exception {
        byte[] secret = InstallationSecret.of(home);

        Path file = home.resolve(InstallationSecret.FILE);
        assertThat(secret).hasSize(32);
        assertThat(Files.readString(file)).isEqualTo(HexFormat.of().formatHex(secret));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(InstallationSecret.of(home)).as("kept").isEqualTo(secret);
        assertThat(InstallationSecret.of(Files.createDirectory(home.resolve("other")))).as("random")
                .isNotEqualTo(secret);
    }

    @Test
    void processesCreatingItAtOnceAllGetTheSameSecret() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> created = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                created.add(pool.submit(() -> HexFormat.of().formatHex(InstallationSecret.of(home))));
            }
            List<String> secrets = new ArrayList<>();
            for (Future<String> secret : created) {
                secrets.add(secret.get());
            }
            assertThat(secrets).containsOnly(secrets.get(0));
            assertThat(Files.readString(home.resolve(InstallationSecret.FILE))).isEqualTo(secrets.get(0));
        } finally {
            pool.shutdownNow();
        }
        try (var files = Files.list(home)) {
            assertThat(files.map(file -> file.getFileName().toString())).as("no temporary file left")
                    .containsExactly(InstallationSecret.FILE);
        }
    }

    @Test
    void aCorruptedSecretIsReplacedByANewOne() throws Exception {
        Files.writeString(home.resolve(InstallationSecret.FILE), "not a secret");

        byte[] secret = InstallationSecret.of(home);

        assertThat(Files.readString(home.resolve(InstallationSecret.FILE))).isEqualTo(HexFormat.of().formatHex(
                secret));
    }
}
