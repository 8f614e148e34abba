package dev.telemetry.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * How far report-service has counted, seen from outside: the events total of the quarter's admin preview (what an
 * operator sees), and the offsets its consumer group committed on the usage topic (what Kafka knows; a record's
 * offset is committed only after the transaction that counted it).
 * <p>
 * A preview costs PostgreSQL as much as counting thousands of events (it scans the quarter's contributions), so a
 * stage reads it at its ends only and follows counting in between through the committed offsets ({@link #mark},
 * {@link #countedNow}). Polled, it took a quarter of the two cores during (g).
 */
final class Counting implements AutoCloseable {

    static final String REPORT_GROUP = "report-service.usage";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final HttpRequest preview;
    private final Admin admin;
    private long markedCounted = -1;
    private long markedCommitted = -1;

    Counting(URI report, String adminKey, String quarter, String bootstrapServers) {
        this.preview = HttpRequest.newBuilder(report.resolve("/v1/admin/reports/" + quarter + "/preview"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + adminKey).build();
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /**
     * Events counted: the quarter's preview total, or, while the preview hides it (fewer than k machines counted
     * yet), the records report-service's consumer group has committed; -1 if neither answered.
     */
    long counted() throws InterruptedException {
        long shown = previewTotal();
        return shown >= 0 ? shown : committed();
    }

    /**
     * Where both views stand now, so that {@link #countedNow} can follow counting through the cheap one; returns the
     * preview's count. Read while no offset moves, if that comes within a few tries; otherwise with the offsets
     * from before the preview, so that {@link #countedNow} may run ahead (the preview then confirms) but never behind.
     */
    long mark() throws InterruptedException {
        for (int tries = 0; tries < 5; tries++) {
            long before = committed();
            markedCounted = counted();
            markedCommitted = before;
            if (committed() == before) {
                break;
            }
        }
        return markedCounted;
    }

    /**
     * Events counted by now, without a preview: the count at the {@link #mark} plus the records committed since
     * (every record of the run is an event that counts); -1 if Kafka did not answer. {@link #counted} confirms it.
     */
    long countedNow() {
        long committed = committed();
        return committed < 0 || markedCommitted < 0 ? -1 : Math.max(0, markedCounted) + committed - markedCommitted;
    }

    /** Polls {@link #countedNow} until it reaches {@code expected} or the deadline; returns the last reading. */
    long awaitCountedNow(long expected, long deadlineNanos, long pollMillis) throws InterruptedException {
        return poll(this::countedNow, expected, deadlineNanos, pollMillis);
    }

    /** Polls the preview once a second until it shows {@code expected} or the deadline; returns the last reading. */
    long awaitCounted(long expected, long deadlineNanos) throws InterruptedException {
        return poll(this::counted, expected, deadlineNanos, 1000);
    }

    private interface Reading {
        long read() throws InterruptedException;
    }

    private static long poll(Reading reading, long expected, long deadlineNanos, long pollMillis)
            throws InterruptedException {
        long last = reading.read();
        while (last < expected && System.nanoTime() < deadlineNanos) {
            Thread.sleep(pollMillis);
            last = Math.max(last, reading.read());
        }
        return last;
    }

    private long previewTotal() throws InterruptedException {
        try {
            HttpResponse<String> answer = http.send(preview, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                return -1;
            }
            JsonNode events = JSON.readTree(answer.body()).path("events").path("value");
            return events.isNumber() ? events.asLong() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private long committed() {
        try {
            return admin.listConsumerGroupOffsets(REPORT_GROUP).partitionsToOffsetAndMetadata()
                    .get(5, TimeUnit.SECONDS).entrySet().stream()
                    .filter(entry -> entry.getKey().topic().equals(KafkaCeiling.USAGE_TOPIC)
                            && entry.getValue() != null)
                    .mapToLong(entry -> entry.getValue().offset()).sum();
        } catch (ExecutionException | TimeoutException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Records in the usage topic that report-service's consumer group has not committed yet, or -1. */
    long lag() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(REPORT_GROUP)
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            Set<TopicPartition> partitions = admin.describeTopics(List.of(KafkaCeiling.USAGE_TOPIC))
                    .allTopicNames().get(5, TimeUnit.SECONDS).get(KafkaCeiling.USAGE_TOPIC).partitions().stream()
                    .map(p -> new TopicPartition(KafkaCeiling.USAGE_TOPIC, p.partition()))
                    .collect(Collectors.toSet());
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin
                    .listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                    .all().get(5, TimeUnit.SECONDS);
            long lag = 0;
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata done = committed.get(partition);
                lag += ends.get(partition).offset() - (done == null ? 0 : done.offset());
            }
            return lag;
        } catch (ExecutionException | TimeoutException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
