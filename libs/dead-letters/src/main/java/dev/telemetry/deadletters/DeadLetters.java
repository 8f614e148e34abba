package dev.telemetry.deadletters;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Metrics;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

import dev.telemetry.contract.IntegrationJson.UnreadableEventException;
import dev.telemetry.contract.Topics;

/**
 * Where a consumer parks a message it cannot read (poison): on {@link Topics#DEAD_LETTERS}, key and value unchanged,
 * with why and where it came from as headers, then counted in {@value #UNREADABLE_METRIC}. The consumer goes on only
 * once every replica acknowledged the dead letter, so its offset never moves past a poison message that was not
 * parked; while the dead-letter topic is unavailable the write is retried with backoff, never given up.
 */
@ApplicationScoped
public class DeadLetters {

    /** Messages parked because no reader of this version can use them, by source topic. */
    public static final String UNREADABLE_METRIC = "telemetry_messages_unreadable_total";
    /** Why: {@link dev.telemetry.contract.IntegrationJson.Reason#code}, e.g. {@code not-json}. */
    public static final String REASON = "dead-letter-reason";
    /** The reader's message (may quote a fragment of the poison; the value holds all of it anyway). */
    public static final String DETAIL = "dead-letter-detail";
    public static final String SOURCE_TOPIC = "dead-letter-topic";
    public static final String SOURCE_PARTITION = "dead-letter-partition";
    public static final String SOURCE_OFFSET = "dead-letter-offset";
    /** The service that could not read it (several consume the consent topic; each parks its own copy). */
    public static final String CONSUMER = "dead-letter-consumer";

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    private static final int MAX_DETAIL = 500;
    /** Writes in flight at once, below the emitter's buffer (a whole batch may be poison). */
    private static final int CONCURRENCY = 64;

    /** A message that could not be read, and why. */
    public record Poison(ConsumerRecord<String, String> record, UnreadableEventException reason) {
    }

    private final MutinyEmitter<String> emitter;
    private final String consumer;
    /**
     * Per source partition, the highest offset up to which this service's poison is parked: a batch retried after
     * its dead letters were acknowledged (its database was down) does not park them again.
     */
    private final Map<TopicPartition, Long> parkedUpTo = new ConcurrentHashMap<>();

    DeadLetters(@Channel("dead-letters") MutinyEmitter<String> emitter,
            @ConfigProperty(name = "quarkus.application.name") String consumer) {
        this.emitter = emitter;
        this.consumer = consumer;
    }

    /** Parks one poison message; completes once it is acknowledged. */
    public Uni<Void> park(ConsumerRecord<String, String> record, UnreadableEventException reason) {
        return park(List.of(new Poison(record, reason)));
    }

    /** Parks the poison messages of a batch; completes once all of them are acknowledged. */
    public Uni<Void> park(List<Poison> poison) {
        List<Poison> news = poison.stream().filter(p -> !parkedBefore(p.record())).toList();
        if (news.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Set<Poison> pending = ConcurrentHashMap.newKeySet();
        pending.addAll(news);
        // Each attempt writes only what is not acknowledged yet.
        return Uni.createFrom().deferred(() -> Multi.createFrom().iterable(List.copyOf(pending))
                .onItem().transformToUni(p -> emitter.sendMessage(letter(p)).invoke(() -> pending.remove(p)))
                .merge(CONCURRENCY)
                .collect().last())
                .onFailure().invoke(e -> LOG.warnf("parking %d unreadable messages on %s failed, retrying: %s",
                        pending.size(), Topics.DEAD_LETTERS, e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(10)).indefinitely()
                .invoke(() -> news.forEach(this::parked))
                .replaceWithVoid();
    }

    private boolean parkedBefore(ConsumerRecord<String, String> record) {
        Long upTo = parkedUpTo.get(new TopicPartition(record.topic(), record.partition()));
        return upTo != null && record.offset() <= upTo;
    }

    private void parked(Poison poison) {
        ConsumerRecord<String, String> record = poison.record();
        parkedUpTo.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::max);
        // Never log the payload; where it is and why is enough to find the producer's bug.
        LOG.errorf("parked unreadable message %s-%d@%d on %s (%s): %s", record.topic(), record.partition(),
                record.offset(), Topics.DEAD_LETTERS, poison.reason().reason().code, poison.reason().getMessage());
        Metrics.counter(UNREADABLE_METRIC, "topic", record.topic()).increment();
    }

    private Message<String> letter(Poison poison) {
        ConsumerRecord<String, String> record = poison.record();
        String detail = String.valueOf(poison.reason().getMessage());
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON, bytes(poison.reason().reason().code));
        headers.add(DETAIL, bytes(detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail));
        headers.add(SOURCE_TOPIC, bytes(record.topic()));
        headers.add(SOURCE_PARTITION, bytes(Integer.toString(record.partition())));
        headers.add(SOURCE_OFFSET, bytes(Long.toString(record.offset())));
        headers.add(CONSUMER, bytes(consumer));
        return Message.of(record.value()).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(record.key()).withHeaders(headers).build());
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
