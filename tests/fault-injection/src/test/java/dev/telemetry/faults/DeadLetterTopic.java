package dev.telemetry.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.telemetry.contract.Topics;

/** What the consumers parked on {@link Topics#DEAD_LETTERS}, read as an operator would: from the beginning. */
final class DeadLetterTopic {

    /** One parked message: who parked it, why, and where it came from (its headers). */
    record Letter(String consumer, String reason, String topic, int partition, long offset) {
    }

    private DeadLetterTopic() {
    }

    static List<Letter> readAll(String bootstrapServers) {
        List<Letter> letters = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "fault-injection-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.DEAD_LETTERS).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                    letters.add(new Letter(header(record, "dead-letter-consumer"),
                            header(record, "dead-letter-reason"), header(record, "dead-letter-topic"),
                            Integer.parseInt(header(record, "dead-letter-partition")),
                            Long.parseLong(header(record, "dead-letter-offset"))));
                }
            }
        }
        return letters;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
