package dev.telemetry.client;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.awaitility.Awaitility;

/** A client under test: its own home, environment, clock, policy location and project directory. */
final class Fixture {

    final Path root;
    final Path home;
    final Path policyFile;
    final Path project;
    final Map<String, String> environment = new HashMap<>();
    final MovableClock clock = new MovableClock(java.time.Instant.parse("2026-11-21T12:00:00Z"));
    int consentVersion = 1;

    Fixture(Path root) throws IOException {
        this.root = root;
        this.home = root.resolve("user-home").resolve(".cf-dev").resolve("telemetry");
        this.policyFile = root.resolve("etc").resolve("dev-telemetry").resolve("policy.properties");
        this.project = Files.createDirectories(root.resolve("work").resolve("project").resolve("module"));
    }

    TelemetryClient client(URI services, boolean interactive) {
        return builder(services, interactive).build();
    }

    TelemetryClient.Builder builder(URI services, boolean interactive) {
        return TelemetryClient
                .builder(new ClientSettings(services, services, "key", home, "linux", "0.0.1234", "CF_DEV_TELEMETRY"))
                .environment(environment).interactive(interactive).clock(clock).policyFile(policyFile)
                .workingDirectory(project).disclosure(disclosure()).debugOutput(new PrintStream(
                        PrintStream.nullOutputStream()));
    }

    Disclosure disclosure() {
        return new Disclosure(consentVersion, "the commands you run", URI.create("https://stats.example/cf-dev"),
                "cf dev telemetry --off");
    }

    /** The processes this JVM started that are still running. */
    static Set<Long> children() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    /** Waits until no background sender holds the home's sender lock (it ended or was never started). */
    static void awaitNoSender(Path home) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            try (FileChannel channel = FileChannel.open(home.resolve("sender.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
                return lock != null;
            }
        });
    }

    Path spool() {
        return home.resolve("spool.jsonl");
    }

    /** Every file and directory under the root with its size, modification time and mode: to prove nothing changed. */
    Map<String, String> snapshot() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.toList()) {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                files.put(root.relativize(path).toString(), attributes.size() + " " + attributes.lastModifiedTime()
                        + " " + java.nio.file.attribute.PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(path)));
            }
        }
        return files;
    }
}
