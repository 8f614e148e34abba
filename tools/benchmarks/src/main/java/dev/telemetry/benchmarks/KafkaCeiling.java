package dev.telemetry.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The broker's ceiling for the collector's records: Kafka's own {@code ProducerPerformance} (kafka-tools), run as its
 * own JVM like the collector, with the collector's producer settings (acks=all, idempotent, linger 5 ms, 64 KiB batches).
 */
final class KafkaCeiling {

    static final String USAGE_TOPIC = "telemetry.usage.v1";
    private static final Pattern SUMMARY = Pattern.compile(
            "(\\d+) records sent, ([\\d.]+) records/sec .*?([\\d.]+) ms avg latency.*?(\\d+) ms 50th.*?(\\d+) ms 99th");

    record Figures(long records, double recordsPerSecond, double p50Millis, double p99Millis) {
    }

    private final String bootstrapServers;

    KafkaCeiling(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** The mean size (key + value) of records the collector actually wrote to the usage topic. */
    int collectorRecordSize() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "benchmarks-record-size-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        long bytes = 0;
        int records = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(USAGE_TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records < 500 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    bytes += record.serializedKeySize() + record.serializedValueSize();
                    records++;
                }
            }
        }
        if (records == 0) {
            throw new IllegalStateException("no record of the collector in " + USAGE_TOPIC + " to size");
        }
        return (int) (bytes / records);
    }

    int partitions(String topic) throws InterruptedException, ExecutionException {
        try (Admin admin = admin()) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        }
    }

    /** Sends {@code records} records of {@code recordSize} bytes as fast as the broker takes them. */
    Figures measure(int partitions, long records, int recordSize) throws IOException, InterruptedException {
        String topic = "benchmarks.kafka-ceiling." + UUID.randomUUID();
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        } catch (ExecutionException e) {
            throw new IOException("cannot create " + topic, e);
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"),
                "org.apache.kafka.tools.ProducerPerformance",
                "--topic", topic, "--num-records", Long.toString(records), "--record-size",
                Integer.toString(recordSize), "--throughput", "-1",
                "--producer-props", "bootstrap.servers=" + bootstrapServers, "acks=all", "enable.idempotence=true",
                "linger.ms=5", "batch.size=65536"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Figures figures = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                output.append(line).append('\n');
                Matcher summary = SUMMARY.matcher(line);
                if (summary.find() && line.contains("99.9th")) {
                    figures = new Figures(Long.parseLong(summary.group(1)), Double.parseDouble(summary.group(2)),
                            Double.parseDouble(summary.group(4)), Double.parseDouble(summary.group(5)));
                }
            }
        }
        int exit = process.waitFor();
        try (Admin admin = admin()) {
            admin.deleteTopics(List.of(topic));
        }
        if (exit != 0 || figures == null) {
            throw new IOException("ProducerPerformance failed (exit " + exit + "):\n" + Load.abbreviate(
                    output.toString()));
        }
        return figures;
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }
}
