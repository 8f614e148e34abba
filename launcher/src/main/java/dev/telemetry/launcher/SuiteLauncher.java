package dev.telemetry.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import dev.telemetry.infra.LocalKafka;
import dev.telemetry.infra.LocalPostgres;
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

    private final PrintStream out = System.out;
    private final PrintStream err = System.err;
    private final List<ServiceProcess> services = new CopyOnWriteArrayList<>();
    private LocalPostgres postgres;
    private LocalKafka kafka;
    private volatile boolean stopping;

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
        for (String service : List.of("collector-service", "consent-service", "report-service")) {
            if (!Files.exists(quarkusRunJar(service))) {
                err.println(quarkusRunJar(service) + " is missing: build with ./mvnw package -DskipTests");
                return START_FAILED;
            }
        }

        Path data = home.resolve("data");
        Path logs = home.resolve("logs");
        if (fresh) {
            deleteRecursively(data);
            deleteRecursively(logs);
        }
        Files.createDirectories(logs);
        LocalKeys keys = LocalKeys.loadOrCreate(home);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopAll();
            stopped.countDown();
        }, "suite-shutdown"));

        try {
            startInfrastructure(data, logs);
            startServices(logs, keys);
        } catch (IOException | CompletionException e) {
            err.println("The suite could not start: " + rootMessage(e));
            stopAll();
            return START_FAILED;
        }
        printBanner(keys, logs);
        watchServices();
        stopped.await();
        return 0;
    }

    private void startInfrastructure(Path data, Path logs) throws IOException {
        Files.createDirectories(data);
        CompletableFuture<LocalPostgres> pg = CompletableFuture.supplyAsync(() -> {
            try {
                return LocalPostgres.start(data.resolve("postgres"), postgresPort, logs.resolve("postgres.log"),
                        true);
            } catch (IOException e) {
                throw new UncheckedIOException("PostgreSQL did not start; see " + logs.resolve("postgres.log"), e);
            }
        });
        CompletableFuture<LocalKafka> broker = CompletableFuture.supplyAsync(() -> {
            try {
                return LocalKafka.start(data.resolve("kafka"), kafkaPort, kafkaControllerPort,
                        logs.resolve("kafka.log"));
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        });
        try {
            CompletableFuture.allOf(pg, broker).join();
        } finally {
            // Keep whichever did start, so that stopAll() stops it.
            postgres = pg.isCompletedExceptionally() ? null : pg.join();
            kafka = broker.isCompletedExceptionally() ? null : broker.join();
        }
        out.println("PostgreSQL and Kafka are up");
        for (String database : List.of("consent", "collector", "report")) {
            postgres.createDatabaseIfMissing(database);
        }
    }

    private void startServices(Path logs, LocalKeys keys) throws IOException {
        services.add(new ServiceProcess("collector-service", collectorPort, logs.resolve("collector-service.log")));
        services.add(new ServiceProcess("consent-service", consentPort, logs.resolve("consent-service.log")));
        services.add(new ServiceProcess("report-service", reportPort, logs.resolve("report-service.log")));
        for (ServiceProcess service : services) {
            service.start(quarkusRunJar(service.name), environment(service, keys));
        }
        for (ServiceProcess service : services) {
            try {
                service.awaitReady(readyTimeout);
                out.println(service.name + " is ready at " + service.url());
            } catch (IOException e) {
                throw new IOException(e.getMessage() + "; see " + service.log + ":\n  "
                        + String.join("\n  ", service.lastLogLines(15)), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + service.name, e);
            }
        }
    }

    private Map<String, String> environment(ServiceProcess service, LocalKeys keys) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HTTP_PORT", Integer.toString(service.port));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("POSTGRES_HOST", "127.0.0.1");
        env.put("POSTGRES_PORT", Integer.toString(postgresPort));
        env.put("POSTGRES_DB", service.name.replace("-service", ""));
        env.put("POSTGRES_USER", LocalPostgres.USER);
        env.put("POSTGRES_PASSWORD", LocalPostgres.PASSWORD);
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("API_KEYS_PUBLIC_KEY_LOCATION", keys.publicKey().toAbsolutePath().toString());
        if (!service.name.equals("report-service")) {
            // Only the services that receive raw anonymous ids hold the key that pseudonymises them.
            env.put("PSEUDONYM_KEY", keys.pseudonymKey());
        }
        return env;
    }

    private void printBanner(LocalKeys keys, Path logs) {
        out.println();
        out.println("The telemetry suite is running. Ctrl-C stops everything.");
        out.println();
        for (ServiceProcess service : services) {
            out.printf("  %-18s %s  (log: %s)%n", service.name, service.url(), service.log);
        }
        out.printf("  %-18s 127.0.0.1:%d  databases consent, collector, report  (log: %s)%n", "PostgreSQL",
                postgresPort, logs.resolve("postgres.log"));
        out.printf("  %-18s %s  (log: %s)%n", "Kafka", kafka.bootstrapServers(), logs.resolve("kafka.log"));
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
        out.println(
                "    http://127.0.0.1:" + consentPort + "/v1/consent/$(printf my-machine | sha256sum | cut -c1-64)");
        out.println();
    }

    /** A service that dies after start-up takes the suite down with a pointer to its log, instead of idling. */
    private void watchServices() {
        Thread watcher = new Thread(() -> {
            while (!stopping) {
                for (ServiceProcess service : services) {
                    if (!service.isAlive() && !stopping) {
                        err.println(service.name + " exited with status " + service.exitValue() + "; see "
                                + service.log);
                        System.exit(START_FAILED);
                    }
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

    private synchronized void stopAll() {
        if (services.isEmpty() && kafka == null && postgres == null) {
            return;
        }
        stopping = true;
        out.println("Stopping the suite...");
        services.parallelStream().forEach(ServiceProcess::stop);
        services.clear();
        if (kafka != null) {
            kafka.stop();
            kafka = null;
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                err.println("PostgreSQL did not stop cleanly: " + e.getMessage());
            }
            postgres = null;
        }
        out.println("Stopped.");
    }

    private Path quarkusRunJar(String service) {
        return repo.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
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
