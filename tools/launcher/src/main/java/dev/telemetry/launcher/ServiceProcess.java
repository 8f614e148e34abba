package dev.telemetry.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.telemetry.infra.OrphanGuard;

/** One service of the suite running as its own JVM in prod mode, its output in a log file. */
final class ServiceProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final int port;
    /** Health, metrics and OpenAPI: never on the public port. */
    final int managementPort;
    final Path log;
    private volatile Process process;
    private volatile OrphanGuard guard;
    private volatile boolean stopped;
    private volatile boolean trainingAotCache;
    private volatile Path startedJar;
    private volatile Map<String, String> startedEnvironment;

    ServiceProcess(String name, int port, Path log) {
        this.name = name;
        this.port = port;
        this.managementPort = dev.telemetry.infra.Ports.free();
        this.log = log;
    }

    void start(Path quarkusRunJar, Map<String, String> environment) throws IOException {
        startedJar = quarkusRunJar;
        startedEnvironment = Map.copyOf(environment);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions(name));
        List<String> aot = aotCache(quarkusRunJar);
        trainingAotCache = aot.stream().anyMatch(option -> option.startsWith("-XX:AOTCacheOutput"));
        command.addAll(aot);
        command.addAll(List.of("-jar", quarkusRunJar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        process = builder.start();
        guard = OrphanGuard.watch(process.pid(), "TERM");
        stopped = false;
    }

    /**
     * The heap and collector of a service. report-service holds the batches it counts (three consumers, each with
     * one batch read ahead: some 30,000 events), the collector the pushes in flight until Kafka acknowledged them,
     * each for a fraction of a second; with a young generation several times that, most are dead when it is
     * collected instead of copied and promoted. That took a quarter off report-service's CPU per counted event and
     * an eighth off the collector's per accepted event (docs/performance.md, "CPU per event").
     */
    static List<String> jvmOptions(String service) {
        return service.equals("consent-service")
                ? List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC")
                : List.of("-Xms256m", "-Xmx384m", "-Xmn160m", "-XX:+UseSerialGC");
    }

    /**
     * On JDK 25 and newer, the JDK's AOT cache (JEP 483/515) beside the jar: the first start after a build trains it
     * (written when the service stops), later starts load it. Older JDKs start without one.
     */
    static List<String> aotCache(Path quarkusRunJar) throws IOException {
        if (Runtime.version().feature() < 25) {
            return List.of();
        }
        Path cache = quarkusRunJar.resolveSibling("app.aot");
        boolean trained = Files.exists(cache)
                && Files.getLastModifiedTime(cache).compareTo(Files.getLastModifiedTime(quarkusRunJar)) > 0;
        return List.of((trained ? "-XX:AOTCache=" : "-XX:AOTCacheOutput=") + cache);
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    /** Exited although nobody stopped it. */
    boolean hasExited() {
        return process != null && !stopped && !process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    /** Waits for {@code /q/health/ready} to answer 200, failing early if the process exits. */
    void awaitReady(Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        HttpRequest ready = HttpRequest.newBuilder(URI.create(managementUrl() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(3)).build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with status " + process.exitValue() + " while starting");
            }
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IOException(name + " was not ready after " + timeout.toSeconds() + " s");
    }

    /** SIGTERM lets Quarkus shut down gracefully; a process that does not exit in time is killed. */
    void stop() {
        if (process == null) {
            return;
        }
        stopped = true;
        guard.close();
        if (process.isAlive()) {
            try {
                thaw(); // a frozen JVM would never act on SIGTERM
            } catch (IllegalStateException exitedMeanwhile) {
                // nothing to thaw
            }
        }
        process.destroy();
        try {
            // Writing a trained AOT cache at exit takes a while; never cut it short.
            if (!process.waitFor(trainingAotCache ? 180 : 20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the JVM as a crash would ({@code SIGKILL}: no shutdown hook, no graceful shutdown). */
    void kill() {
        if (process == null) {
            return;
        }
        stopped = true;
        guard.close();
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code SIGSTOP}: the JVM keeps its sockets but answers nothing until {@link #thaw()}. */
    void freeze() {
        dev.telemetry.infra.Signals.send(process.pid(), "STOP");
    }

    void thaw() {
        dev.telemetry.infra.Signals.send(process.pid(), "CONT");
    }

    /** Starts the service again as it was started last (same ports, environment and data). */
    void restart() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        start(startedJar, startedEnvironment);
    }

    long pid() {
        return process.pid();
    }

    List<String> lastLogLines(int count) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.subList(Math.max(0, lines.size() - count), lines.size());
        } catch (IOException e) {
            return List.of();
        }
    }
}
