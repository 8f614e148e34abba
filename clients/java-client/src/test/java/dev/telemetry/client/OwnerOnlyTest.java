package dev.telemetry.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The consent state, the spool (with the anonymous ID), the backoff: readable by their owner only. */
class OwnerOnlyTest extends AgainstStandInServices {

    @Test
    void everyFileTheClientWritesIsCreatedOwnerOnly() throws IOException {
        TelemetryClient client = fixture.builder(services.uri(), true).machineValue(null).build();
        client.answerPrompt(true);
        client.capture("start_begin", Map.of());
        client.push(Duration.ofSeconds(10));
        client.capture("stop", Map.of());
        services.collector = events -> new StandInServices.Answer(503, "{}", "30");
        client.push(Duration.ofSeconds(10));

        assertThat(mode(fixture.home)).isEqualTo("rwx------");
        assertThat(mode(fixture.home.getParent())).as("created by the client too").isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(fixture.home)) {
            List<Path> written = files.toList();
            assertThat(written).extracting(file -> file.getFileName().toString())
                    .contains("consent.properties", "consent-sent.properties", "spool.jsonl", "backoff.properties");
            assertThat(written).allSatisfy(file -> assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------"));
        }
    }

    @Test
    void filesAndTheDirectoryLeftWiderByAnOlderClientAreTightened() throws IOException {
        Files.createDirectories(fixture.home);
        Files.setPosixFilePermissions(fixture.home, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(fixture.home.resolve("spool.jsonl"), "");
        Files.setPosixFilePermissions(fixture.home.resolve("spool.jsonl"),
                PosixFilePermissions.fromString("rw-r--r--"));
        TelemetryClient client = fixture.client(services.uri(), true);

        client.answerPrompt(true);
        client.capture("start_begin", Map.of());

        assertThat(mode(fixture.home)).isEqualTo("rwx------");
        assertThat(mode(fixture.home.resolve("spool.jsonl"))).isEqualTo("rw-------");
        assertThat(mode(fixture.home.resolve("consent.properties"))).isEqualTo("rw-------");
    }

    /** Processes racing to create the same directory and file: whoever wins creates it 0600, never 0644 first. */
    @Test
    void racingCreationsEndOwnerOnlyAndNeverFail() throws Exception {
        Path file = root.resolve("a").resolve("b").resolve("spool.jsonl");
        int racers = 8;
        CyclicBarrier start = new CyclicBarrier(racers);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Future<Void>> runs = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                Callable<Void> race = () -> {
                    start.await();
                    try (FileChannel channel = OwnerOnly.openForUpdate(file)) {
                        assertThat(mode(file)).isEqualTo("rw-------");
                    }
                    return null;
                };
                runs.add(pool.submit(race));
            }
            for (Future<Void> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(mode(file.getParent())).isEqualTo("rwx------");
        assertThat(mode(file.getParent().getParent())).isEqualTo("rwx------");
    }

    private static String mode(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
