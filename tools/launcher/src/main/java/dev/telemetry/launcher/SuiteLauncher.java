package dev.telemetry.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import dev.telemetry.infra.Ports;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the whole suite on this machine without Docker: PostgreSQL, a Kafka broker and the three services as
 * separate prod-mode processes. Ctrl-C or SIGTERM stops all of them.
 */
@Command(name = "run-suite", mixinStandardHelpOptions = true, description = "Starts the telemetry suite locally.")
public final class SuiteLauncher implements Callable<Integer> {

    static final int PORT_TAKEN = 2;
    static final int START_FAILED = 3;

    @Option(names = "--home", defaultValue = ".local", description = "Data, logs and keys. Default: ${DEFAULT-VALUE}.")
    Path home;

    @Option(names = "--repo", defaultValue = ".", description = "Checkout with the built services. Default: ${DEFAULT-VALUE}.")
    Path repo;

    @Option(names = "--fresh", description = "Delete all data and logs first (API keys are kept).")
    boolean fresh;

    @Option(names = "--collector-port", defaultValue = "8080")
    int collectorPort;

    @Option(names = "--consent-port", defaultValue = "8081")
    int consentPort;

    @Option(names = "--report-port", defaultValue = "8082")
    int reportPort;

    @Option(names = "--postgres-port", defaultValue = "15432")
    int postgresPort;

    @Option(names = "--kafka-port", defaultValue = "19092")
    int kafkaPort;

    @Option(names = "--kafka-controller-port", defaultValue = "19093")
    int kafkaControllerPort;

    @Option(names = "--ready-timeout", defaultValue = "PT3M", description = "ISO-8601. Default: ${DEFAULT-VALUE}.")
    Duration readyTimeout;

    @Option(names = "--clock-offset", defaultValue = "PT0S", description = "Moves every service's clock, ISO-8601 (e.g. P100D to see a quarter end). Default: ${DEFAULT-VALUE}.")
    Duration clockOffset;

    private final PrintStream out = System.out;
    private final PrintStream err = System.err;
    private volatile Suite suite;

    public static void main(String[] args) {
        // The embedded servers' client libraries log through slf4j-simple: keep them to warnings.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        // The readiness probe's admin client warns on every refused connection while the broker starts.
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        System.exit(new CommandLine(new SuiteLauncher()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("collector-service (--collector-port)", collectorPort);
        ports.put("consent-service (--consent-port)", consentPort);
        ports.put("report-service (--report-port)", reportPort);
        ports.put("PostgreSQL (--postgres-port)", postgresPort);
        ports.put("Kafka (--kafka-port)", kafkaPort);
        ports.put("Kafka controller (--kafka-controller-port)", kafkaControllerPort);
        List<String> taken = ports.entrySet().stream().filter(port -> Ports.inUse(port.getValue()))
                .map(port -> "port " + port.getValue() + " for " + port.getKey() + " is already in use").toList();
        if (!taken.isEmpty()) {
            taken.forEach(err::println);
            err.println("Stop what uses it, or pick another port with the option named above.");
            return PORT_TAKEN;
        }
        if (fresh) {
            deleteRecursively(home.resolve("data"));
            deleteRecursively(home.resolve("logs"));
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop();
            stopped.countDown();
        }, "suite-shutdown"));
        try {
            suite = Suite.prepare(repo, home, new Suite.Ports(collectorPort, consentPort, reportPort, postgresPort,
                    kafkaPort, kafkaControllerPort), readyTimeout, out);
            suite.start(clockOffset);
        } catch (IOException e) {
            err.println("The suite could not start: " + e.getMessage());
            return START_FAILED;
        }
        printBanner();
        watchServices();
        stopped.await();
        return 0;
    }

    private void printBanner() {
        LocalKeys keys = suite.keys();
        out.println();
        out.println("The telemetry suite is running. Ctrl-C stops everything.");
        if (!clockOffset.isZero()) {
            out.println("Every service's clock is moved by " + clockOffset + ".");
        }
        out.println();
        for (ServiceProcess service : suite.services()) {
            out.printf("  %-18s %s  health and metrics %s/q  (log: %s)%n", service.name, service.url(),
                    service.managementUrl(), service.log);
        }
        out.printf("  %-18s 127.0.0.1:%d  databases consent, collector, report  (log: %s)%n", "PostgreSQL",
                postgresPort, suite.logs().resolve("postgres.log"));
        out.printf("  %-18s %s  (log: %s)%n", "Kafka", suite.kafkaBootstrapServers(),
                suite.logs().resolve("kafka.log"));
        out.println();
        out.println("API keys (also in " + keys.envFile() + "):");
        out.println("  INGEST_API_KEY=" + keys.ingestKey());
        out.println("  ADMIN_API_KEY=" + keys.adminKey());
        out.println();
        out.println("Try it:");
        out.println("  source " + keys.envFile());
        out.println(
                "  curl -i -X PUT -H \"Authorization: Bearer $INGEST_API_KEY\" -H 'Content-Type: application/json' \\");
        out.println(
                "    -d '{\"optIn\": true, \"os\": \"linux\", \"build\": \"0.0.1234\", \"source\": \"prompt\"}' \\");
        out.println("    -H \"Telemetry-Anonymous-Id: $(printf my-machine | sha256sum | cut -c1-64)\" \\");
        out.println("    -H \"Telemetry-Proof: $(printf my-proof | sha256sum | cut -c1-64)\" \\");
        out.println("    http://127.0.0.1:" + consentPort + "/v1/consent");
        out.println();
    }

    /** A service that dies after start-up takes the suite down with a pointer to its log, instead of idling. */
    private void watchServices() {
        Thread watcher = new Thread(() -> {
            for (Suite running = suite; running != null; running = suite) {
                Optional<ServiceProcess> exited = running.exited();
                if (exited.isPresent()) {
                    err.println(exited.get().name + " exited with status " + exited.get().exitValue() + "; see "
                            + exited.get().log);
                    System.exit(START_FAILED);
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "service-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    private synchronized void stop() {
        Suite running = suite;
        if (running == null) {
            return;
        }
        suite = null;
        out.println("Stopping the suite...");
        running.close();
        out.println("Stopped.");
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
