package dev.telemetry.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import dev.telemetry.contract.Topics;
import dev.telemetry.infra.LocalKafka;
import dev.telemetry.infra.LocalPostgres;

/**
 * The whole suite on this machine, as in production but without Docker: PostgreSQL, a Kafka broker and the three
 * services as separate prod-mode JVMs built by Maven. Used by {@code run-suite} and by the end-to-end test.
 */
public final class Suite implements AutoCloseable {

    public static final List<String> SERVICES = List.of("collector-service", "consent-service", "report-service");

    /** Where everything listens. */
    public record Ports(int collector, int consent, int report, int postgres, int kafka, int kafkaController) {

        /** Six distinct ports free right now. */
        public static Ports free() {
            Set<Integer> ports = new LinkedHashSet<>();
            while (ports.size() < 6) {
                ports.add(dev.telemetry.infra.Ports.free());
            }
            Iterator<Integer> next = ports.iterator();
            return new Ports(next.next(), next.next(), next.next(), next.next(), next.next(), next.next());
        }

        int of(String service) {
            return switch (service) {
                case "collector-service" -> collector;
                case "consent-service" -> consent;
                case "report-service" -> report;
                default -> throw new IllegalArgumentException(service);
            };
        }
    }

    private final Path repo;
    private final Path logs;
    private final Ports ports;
    private final LocalKeys keys;
    private final Duration readyTimeout;
    private final PrintStream out;
    private final List<ServiceProcess> services;
    private final Map<String, String> settings = new LinkedHashMap<>();
    /** Further instances of a service, started by {@link #startReplica}. */
    private final List<ServiceProcess> replicas = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Duration clockOffset = Duration.ZERO;
    private LocalPostgres postgres;
    private LocalKafka kafka;
    private volatile boolean closed;

    private Suite(Path repo, Path home, Ports ports, Duration readyTimeout, PrintStream out) throws IOException {
        this.repo = repo;
        this.logs = home.resolve("logs");
        this.ports = ports;
        this.readyTimeout = readyTimeout;
        this.out = out;
        Files.createDirectories(logs);
        this.keys = LocalKeys.loadOrCreate(home);
        this.services = SERVICES.stream()
                .map(name -> new ServiceProcess(name, ports.of(name), logs.resolve(name + ".log"))).toList();
    }

    /** Checks that the services are built and makes the keys; starts nothing yet. */
    public static Suite prepare(Path repo, Path home, Ports ports, Duration readyTimeout, PrintStream out)
            throws IOException {
        for (String service : SERVICES) {
            Path jar = quarkusRunJar(repo, service);
            if (!Files.exists(jar)) {
                throw new IOException(jar + " is missing: build with ./mvnw package -DskipTests");
            }
        }
        return new Suite(repo, home, ports, readyTimeout, out);
    }

    /** Sets an environment variable of every service from its next start on (a load test lifting a limit). */
    public Suite with(String variable, String value) {
        settings.put(variable, value);
        return this;
    }

    /**
     * Starts PostgreSQL and Kafka (data in {@code <home>/data}, kept across runs), then the services with their clocks
     * moved by {@code clockOffset}, and returns once every service is ready. Whatever did start is stopped on failure;
     * {@link #close} from another thread (Ctrl-C) stops the start-up.
     */
    public void start(Duration clockOffset) throws IOException {
        this.clockOffset = clockOffset;
        try {
            startInfrastructure(logs.getParent().resolve("data"));
            startServices(clockOffset);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Stops the three services gracefully and starts them again with their clocks moved by {@code clockOffset}; their
     * data and the broker's stay. This is how the end-to-end test moves time: quarters end, reports can be published.
     */
    public void restartServices(Duration clockOffset) throws IOException {
        stopAtOnce(services);
        this.clockOffset = clockOffset;
        startServices(clockOffset);
    }

    /**
     * Starts one more instance of {@code service} on free ports, sharing the first one's database, topics and consumer
     * groups (as a second replica behind a Kubernetes service), and returns its public URL once it is ready. It stops
     * with the suite. Its own log is {@code <service>-<n>.log}; {@link #management(URI)} gives its management URL.
     */
    public URI startReplica(String service) throws IOException {
        if (!SERVICES.contains(service)) {
            throw new IllegalArgumentException(service);
        }
        int instance = 2 + (int) replicas.stream().filter(replica -> replica.name.equals(service)).count();
        ServiceProcess replica = new ServiceProcess(service, dev.telemetry.infra.Ports.free(),
                logs.resolve(service + "-" + instance + ".log"));
        synchronized (this) {
            abortIfClosed();
            replicas.add(replica);
            replica.start(quarkusRunJar(repo, service), environment(replica, clockOffset));
        }
        try {
            replica.awaitReady(readyTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + service + " " + instance, e);
        }
        out.println(service + " " + instance + " is ready at " + replica.url());
        return URI.create(replica.url());
    }

    /** Where the instance serving {@code url} (the first or a replica) serves {@code /q/...}. */
    public URI management(URI url) {
        return URI.create(Stream.concat(services.stream(), replicas.stream())
                .filter(instance -> URI.create(instance.url()).equals(url)).findFirst().orElseThrow()
                .managementUrl());
    }

    public URI collector() {
        return URI.create(service("collector-service").url());
    }

    public URI consent() {
        return URI.create(service("consent-service").url());
    }

    public URI report() {
        return URI.create(service("report-service").url());
    }

    /** Where {@code service} serves health, metrics and OpenAPI ({@code /q/...}): never its public port. */
    public URI management(String service) {
        return URI.create(service(service).managementUrl());
    }

    public String ingestKey() {
        return keys.ingestKey();
    }

    public String adminKey() {
        return keys.adminKey();
    }

    LocalKeys keys() {
        return keys;
    }

    /** The key of the services' pseudonyms: for tests that look for one machine's traces. */
    public String pseudonymKey() {
        return keys.pseudonymKey();
    }

    /** JDBC URL of {@code service}'s database (user and password {@code postgres}). */
    public String jdbcUrl(String service) {
        return postgres.jdbcUrl(database(service));
    }

    /** The broker's address, for tests that read the topics or the consumer groups. */
    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    Path logs() {
        return logs;
    }

    List<ServiceProcess> services() {
        return services;
    }

    /** A service that has exited although nobody stopped it. */
    Optional<ServiceProcess> exited() {
        return services.stream().filter(ServiceProcess::hasExited).findFirst();
    }

    // Fault injection: one process at a time, named "postgres", "kafka" or by its service name.

    /** The processes {@link #kill}, {@link #freeze} and {@link #restart} act on. */
    public static final List<String> PROCESSES = List.of("postgres", "kafka", "collector-service", "consent-service",
            "report-service");

    /**
     * Crashes one process: {@code SIGKILL} for Kafka and the services; PostgreSQL gets its immediate shutdown
     * ({@code SIGQUIT}: backends killed, no checkpoint, crash recovery on restart). Returns once it has exited.
     */
    public synchronized void kill(String process) throws IOException {
        switch (process) {
            case "postgres" -> postgres.crash();
            case "kafka" -> kafka.kill();
            default -> service(process).kill();
        }
    }

    /** {@code SIGSTOP}: the process keeps its sockets open and answers nothing until {@link #thaw}. */
    public synchronized void freeze(String process) {
        switch (process) {
            case "postgres" -> throw new UnsupportedOperationException("PostgreSQL is not frozen, only crashed");
            case "kafka" -> kafka.freeze();
            default -> service(process).freeze();
        }
    }

    /** {@code SIGCONT} after {@link #freeze}. */
    public synchronized void thaw(String process) {
        switch (process) {
            case "postgres" -> throw new UnsupportedOperationException("PostgreSQL is not frozen, only crashed");
            case "kafka" -> kafka.thaw();
            default -> service(process).thaw();
        }
    }

    /**
     * Starts a killed process again with its ports, data and environment. PostgreSQL and Kafka return once they
     * accept clients; a service returns once its JVM runs (readiness is the caller's to watch: that is what a fault
     * test measures).
     */
    public synchronized void restart(String process) throws IOException {
        switch (process) {
            case "postgres" -> postgres = postgres.restart();
            case "kafka" -> kafka.restart();
            default -> service(process).restart();
        }
    }

    /** The process id of one process of the suite (e.g. to read its memory). */
    public synchronized long pid(String process) {
        return switch (process) {
            case "postgres" -> postgres.pid();
            case "kafka" -> kafka.brokerPid();
            default -> service(process).pid();
        };
    }

    /** The PostgreSQL server's port (the databases are named after the services, without "-service"). */
    public int postgresPort() {
        return ports.postgres();
    }

    /** Kafka's bootstrap servers, for a test that reads or writes the suite's topics. */
    public String kafkaBootstrap() {
        return kafka.bootstrapServers();
    }

    /** Stops the services (gracefully), then Kafka, then PostgreSQL. */
    @Override
    public synchronized void close() {
        closed = true;
        stopAtOnce(Stream.concat(replicas.stream(), services.stream()).toList());
        if (kafka != null) {
            kafka.stop();
            kafka = null;
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                out.println("PostgreSQL did not stop cleanly: " + e.getMessage());
            }
            postgres = null;
        }
    }

    /**
     * Stops every process at the same time, one thread each: a graceful stop mostly waits (for a consumer group's
     * rebalance, for the JVM to exit), and the common pool would wait for them two at a time on two cores.
     */
    private static void stopAtOnce(List<ServiceProcess> processes) {
        List<Thread> stopping = processes.stream().map(process -> new Thread(process::stop, "stop " + process.name))
                .toList();
        stopping.forEach(Thread::start);
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void startInfrastructure(Path data) throws IOException {
        Files.createDirectories(data);
        CompletableFuture<LocalPostgres> pg = CompletableFuture.supplyAsync(() -> {
            try {
                return LocalPostgres.start(data.resolve("postgres"), ports.postgres(), logs.resolve("postgres.log"),
                        true);
            } catch (IOException e) {
                throw new UncheckedIOException("PostgreSQL did not start; see " + logs.resolve("postgres.log"), e);
            }
        });
        CompletableFuture<LocalKafka> broker = CompletableFuture.supplyAsync(() -> {
            try {
                return LocalKafka.start(data.resolve("kafka"), ports.kafka(), ports.kafkaController(),
                        logs.resolve("kafka.log"));
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        });
        try {
            CompletableFuture.allOf(pg, broker).join();
        } catch (CompletionException e) {
            throw new IOException(rootMessage(e), e);
        } finally {
            // Keep whichever did start, so that close() stops it.
            synchronized (this) {
                postgres = pg.isCompletedExceptionally() ? null : pg.join();
                kafka = broker.isCompletedExceptionally() ? null : broker.join();
            }
        }
        abortIfClosed();
        out.println("PostgreSQL and Kafka are up");
        kafka.ensureTopics(Topics.settings());
        for (String service : SERVICES) {
            postgres.createDatabaseIfMissing(database(service));
        }
    }

    private void startServices(Duration clockOffset) throws IOException {
        for (ServiceProcess service : services) {
            synchronized (this) {
                abortIfClosed();
                service.start(quarkusRunJar(repo, service.name), environment(service, clockOffset));
            }
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

    private void abortIfClosed() throws IOException {
        if (closed) {
            throw new IOException("stopped while starting");
        }
    }

    private Map<String, String> environment(ServiceProcess service, Duration clockOffset) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HTTP_PORT", Integer.toString(service.port));
        env.put("MANAGEMENT_PORT", Integer.toString(service.managementPort));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("POSTGRES_HOST", "127.0.0.1");
        env.put("POSTGRES_PORT", Integer.toString(ports.postgres()));
        env.put("POSTGRES_DB", database(service.name));
        env.put("POSTGRES_USER", LocalPostgres.USER);
        env.put("POSTGRES_PASSWORD", LocalPostgres.PASSWORD);
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("API_KEYS_PUBLIC_KEY_LOCATION", keys.publicKey().toAbsolutePath().toString());
        env.put("TELEMETRY_CLOCK_OFFSET", clockOffset.toString());
        env.putAll(settings);
        if (!service.name.equals("report-service")) {
            // Only the services that receive raw anonymous ids hold the key that pseudonymises them.
            env.put("PSEUDONYM_KEY", keys.pseudonymKey());
        }
        return env;
    }

    private ServiceProcess service(String name) {
        return services.stream().filter(service -> service.name.equals(name)).findFirst().orElseThrow();
    }

    private static String database(String service) {
        return service.replace("-service", "");
    }

    /** The JVM options run-suite starts a service with (heap and collector). */
    public static List<String> jvmOptions(String service) {
        return ServiceProcess.jvmOptions(service);
    }

    /** The JVM options for the JDK's AOT cache beside a service's jar, as the suite starts it (none before JDK 25). */
    public static List<String> aotCacheOptions(Path quarkusRunJar) throws IOException {
        return ServiceProcess.aotCache(quarkusRunJar);
    }

    static Path quarkusRunJar(Path repo, String service) {
        return repo.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }
}
