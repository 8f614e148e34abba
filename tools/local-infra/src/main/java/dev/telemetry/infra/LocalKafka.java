package dev.telemetry.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;

/**
 * A real single-node KRaft Kafka broker (broker and controller in one process) in its own JVM, started
 * through Kafka's public entry points: {@code StorageTool format}, then {@code kafka.Kafka}. Keeps its log
 * directory across restarts, so tests can stop and restart the broker and the launcher keeps its data.
 */
public final class LocalKafka implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final String CLASSPATH_RESOURCE = "kafka-broker.classpath";

    private final Path directory;
    private final int port;
    private final int controllerPort;
    private final Path logFile;
    private Process broker;
    private OrphanGuard guard;

    private LocalKafka(Path directory, int port, int controllerPort, Path logFile) {
        this.directory = directory;
        this.port = port;
        this.controllerPort = controllerPort;
        this.logFile = logFile;
    }

    /**
     * @param directory holds the broker's configuration and log directory; {@code null} for a temp directory
     * @param logFile where the broker writes its output; {@code null} for a file in the directory
     */
    public static LocalKafka start(Path directory, int port, int controllerPort, Path logFile) throws IOException {
        Path home = (directory == null ? Files.createTempDirectory("telemetry-kafka-") : directory).toAbsolutePath();
        Files.createDirectories(home);
        LocalKafka kafka = new LocalKafka(home, port, controllerPort,
                logFile == null ? home.resolve("broker.log") : logFile.toAbsolutePath());
        kafka.writeConfig();
        kafka.formatStorageIfNeeded();
        kafka.startBroker();
        return kafka;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The broker JVM's process id. */
    public synchronized long brokerPid() {
        return broker.pid();
    }

    /**
     * Creates these topics with their settings ({@code retention.ms} and the like) if they are missing, and gives
     * existing ones the settings; partitions and replication are the broker's defaults.
     */
    public void ensureTopics(Map<String, Map<String, String>> settings) throws IOException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            java.util.Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            Map<ConfigResource, java.util.Collection<AlterConfigOp>> changes = new java.util.HashMap<>();
            settings.forEach((topic, config) -> {
                if (existing.contains(topic)) {
                    changes.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), config.entrySet().stream()
                            .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()),
                                    AlterConfigOp.OpType.SET))
                            .toList());
                } else {
                    missing.add(new NewTopic(topic, java.util.Optional.empty(), java.util.Optional.empty())
                            .configs(config));
                }
            });
            admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            admin.incrementalAlterConfigs(changes).all().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("cannot create the suite's topics: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating the suite's topics", e);
        }
    }

    public Path logFile() {
        return logFile;
    }

    /** Starts the broker again after {@link #stop()}, on the same port with the same data. */
    public synchronized void restart() throws IOException {
        if (broker != null && broker.isAlive()) {
            return;
        }
        startBroker();
    }

    /** Stops the broker cleanly (SIGTERM), keeping its data. */
    public synchronized void stop() {
        if (broker == null) {
            return;
        }
        guard.close();
        if (broker.isAlive()) {
            thawQuietly(); // a frozen broker would never act on SIGTERM
        }
        broker.destroy();
        try {
            if (!broker.waitFor(30, TimeUnit.SECONDS)) {
                broker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            broker.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        broker = null;
    }

    /** Kills the broker as a crash would ({@code SIGKILL}: no clean shutdown); {@link #restart()} starts it again. */
    public synchronized void kill() {
        if (broker == null) {
            return;
        }
        guard.close();
        broker.destroyForcibly();
        try {
            broker.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Freezes the broker ({@code SIGSTOP}): connections stay open, nothing answers, until {@link #thaw()}. */
    public synchronized void freeze() {
        Signals.send(broker.pid(), "STOP");
    }

    /** Lets a frozen broker run on ({@code SIGCONT}). */
    public synchronized void thaw() {
        Signals.send(broker.pid(), "CONT");
    }

    @Override
    public void close() {
        stop();
    }

    private void thawQuietly() {
        try {
            Signals.send(broker.pid(), "CONT");
        } catch (IllegalStateException exitedMeanwhile) {
            // nothing to thaw
        }
    }

    private Path configFile() {
        return directory.resolve("server.properties");
    }

    private void writeConfig() throws IOException {
        String config = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + directory.resolve("data"),
                // One node: every replication factor and ISR minimum is 1.
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "default.replication.factor=1",
                "min.insync.replicas=1",
                "num.partitions=3",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=true",
                "");
        Files.writeString(configFile(), config, StandardCharsets.UTF_8);
    }

    private void formatStorageIfNeeded() throws IOException {
        if (Files.exists(directory.resolve("data").resolve("meta.properties"))) {
            return;
        }
        Process format = java("kafka.tools.StorageTool", "format", "--ignore-formatted",
                "--cluster-id", Uuid.randomUuid().toString(), "--config", configFile().toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        try {
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IOException("formatting the Kafka log directory failed; see " + logFile);
            }
        } catch (InterruptedException e) {
            format.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while formatting the Kafka log directory", e);
        }
    }

    private synchronized void startBroker() throws IOException {
        broker = java("kafka.Kafka", configFile().toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        guard = OrphanGuard.watch(broker.pid(), "TERM");
        awaitReady();
    }

    private void awaitReady() throws IOException {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        try (Admin admin = Admin.create(config)) {
            while (Instant.now().isBefore(deadline)) {
                if (!broker.isAlive()) {
                    throw new IOException("the Kafka broker exited with status " + broker.exitValue() + "; see "
                            + logFile);
                }
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception notYet) {
                    if (notYet instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while waiting for Kafka", notYet);
                    }
                }
                sleep(200);
            }
        }
        stop();
        throw new IOException("the Kafka broker was not ready after " + READY_TIMEOUT.toSeconds() + " s; see "
                + logFile);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ProcessBuilder java(String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.awt.headless=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", brokerClasspath(), mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(directory.toFile());
    }

    /** The broker's jars, resolved by the build (see local-infra/pom.xml), so no Kafka download is needed. */
    static String brokerClasspath() {
        try (InputStream in = Objects.requireNonNull(LocalKafka.class.getResourceAsStream(CLASSPATH_RESOURCE),
                CLASSPATH_RESOURCE + " is missing: build local-infra with Maven")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
