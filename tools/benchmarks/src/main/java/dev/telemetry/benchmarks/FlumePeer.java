package dev.telemetry.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * The generic peer of the collector: an Apache Flume agent (HTTP source → channel → Kafka sink, acks=all) in its own
 * JVM on its own classpath ({@code tools/flume-peer}: Flume 1.11 brings Kafka clients 2.7), writing to a topic of its
 * own on the suite's broker. It receives the collector's push format through {@code EventBatchHandler}.
 *
 * <p>
 * Flume answers a push once its events are in the channel: with the {@code file} channel that is after an fsync on
 * local disk (durable, like the collector's answer after acks=all, but on one disk); with the {@code memory} channel
 * nothing is durable yet. Its Kafka sink delivers later, so the rate measured is events in Kafka per second, from the
 * start of the load until every answered event is in the topic.
 */
final class FlumePeer implements AutoCloseable {

    private static final String MAIN = "org.apache.flume.node.Application";

    private final Process process;
    private final URI source;
    private final String topic;
    private final Admin admin;
    /** Flume is a child JVM: it would outlive the harness if the harness were stopped by a signal. */
    private final Thread stopOnExit;

    private FlumePeer(Process process, URI source, String topic, Admin admin) {
        this.process = process;
        this.source = source;
        this.topic = topic;
        this.admin = admin;
        this.stopOnExit = new Thread(process::destroy, "flume-shutdown");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /**
     * Starts an agent with the given channel ({@code file} or {@code memory}) and waits until its HTTP source answers.
     */
    static FlumePeer start(Path repo, Path home, String channel, String bootstrapServers, int partitions,
            Duration timeout) throws IOException, InterruptedException {
        Path module = repo.resolve("tools/flume-peer/target");
        Path jar = module.resolve("flume-peer.jar");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(module.resolve("flume-lib"))) {
            throw new IOException("Flume is not packaged: build tools/flume-peer (./mvnw package) first");
        }
        String topic = "benchmarks.flume." + channel + "." + UUID.randomUUID();
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        } catch (ExecutionException e) {
            admin.close();
            throw new IOException("cannot create " + topic, e);
        }
        Path directory = home.resolve("flume-" + channel + "-" + UUID.randomUUID());
        Files.createDirectories(directory);
        int port = dev.telemetry.infra.Ports.free();
        Path configuration = directory.resolve("agent.properties");
        Files.writeString(configuration, configuration(channel, port, bootstrapServers, topic, directory));
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx384m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp",
                jar + java.io.File.pathSeparator + module.resolve("flume-lib") + "/*",
                MAIN, "--name", "peer", "--conf-file", configuration.toString(), "--no-reload-conf");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve("flume.log").toFile()).start();
        FlumePeer peer = new FlumePeer(process, URI.create("http://127.0.0.1:" + port + "/"), topic, admin);
        try {
            peer.awaitListening(timeout);
        } catch (IOException | InterruptedException | RuntimeException e) {
            peer.close();
            throw e;
        }
        return peer;
    }

    private static String configuration(String channel, int port, String bootstrapServers, String topic,
            Path directory) {
        String channelSettings = switch (channel) {
            case "memory" -> """
                    peer.channels.channel.type = memory
                    peer.channels.channel.capacity = 100000
                    peer.channels.channel.transactionCapacity = 1000
                    """;
            case "file" -> """
                    peer.channels.channel.type = file
                    peer.channels.channel.checkpointDir = %s
                    peer.channels.channel.dataDirs = %s
                    peer.channels.channel.capacity = 1000000
                    peer.channels.channel.transactionCapacity = 1000
                    """.formatted(directory.resolve("checkpoint"), directory.resolve("data"));
            default -> throw new IllegalArgumentException("unknown Flume channel " + channel);
        };
        // The sink's producer settings are the collector's: acks=all, linger 5 ms, 64 KiB batches.
        return """
                peer.sources = http
                peer.channels = channel
                peer.sinks = kafka
                peer.sources.http.type = http
                peer.sources.http.bind = 127.0.0.1
                peer.sources.http.port = %d
                peer.sources.http.handler = dev.telemetry.flumepeer.EventBatchHandler
                peer.sources.http.channels = channel
                peer.sinks.kafka.type = org.apache.flume.sink.kafka.KafkaSink
                peer.sinks.kafka.channel = channel
                peer.sinks.kafka.kafka.bootstrap.servers = %s
                peer.sinks.kafka.kafka.topic = %s
                peer.sinks.kafka.flumeBatchSize = 1000
                peer.sinks.kafka.kafka.producer.acks = all
                peer.sinks.kafka.kafka.producer.linger.ms = 5
                peer.sinks.kafka.kafka.producer.batch.size = 65536
                """.formatted(port, bootstrapServers, topic) + channelSettings;
    }

    private void awaitListening(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest empty = HttpRequest.newBuilder(source).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"events\":[]}")).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("Flume exited with " + process.exitValue() + " while starting");
            }
            try {
                if (http.send(empty, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IOException("Flume's HTTP source did not answer within " + timeout);
    }

    /** A push of the collector's format to Flume's HTTP source (which has no API key to send). */
    HttpRequest push(byte[] body) {
        return HttpRequest.newBuilder(source).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    /** Records in Flume's topic, or -1 if the broker did not answer. */
    long inKafka() {
        try {
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(5, TimeUnit.SECONDS).get(topic).partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                    .all().get(5, TimeUnit.SECONDS).values().stream().mapToLong(info -> info.offset()).sum();
        } catch (ExecutionException | TimeoutException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Stops the agent and deletes its topic (the peer's records are the benchmark's own and unpseudonymised). */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
            // stopped by a signal: the hook stops Flume
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        admin.deleteTopics(List.of(topic));
        admin.close(Duration.ofSeconds(5));
    }
}
