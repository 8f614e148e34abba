package dev.telemetry.faults;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.telemetry.contract.Topics;
import dev.telemetry.contract.consent.ConsentGrantedMessage;
import dev.telemetry.contract.erasure.ErasureCompleted;
import dev.telemetry.contract.usage.UsageEvent;

/**
 * Messages no consumer can use, written straight onto every topic a service consumes, on every partition: not JSON,
 * an unknown type, a newer schema version, and valid JSON of a known type whose content is missing.
 */
final class PoisonMessages {

    private static final Map<String, String> TYPE_OF_TOPIC = Map.of(Topics.CONSENT, ConsentGrantedMessage.TYPE,
            Topics.USAGE, UsageEvent.TYPE, Topics.ERASURES, ErasureCompleted.TYPE);

    private PoisonMessages() {
    }

    static List<String> of(String type) {
        String pseudonym = "00".repeat(32);
        return List.of(
                "this is not JSON {",
                "{\"type\":\"no.such.type\",\"schemaVersion\":1,\"eventId\":\"%s\"}".formatted(UUID.randomUUID()),
                ("{\"type\":\"%s\",\"schemaVersion\":99,\"eventId\":\"%s\",\"pseudonym\":\"%s\","
                        + "\"occurredAt\":\"2026-01-01T00:00:00Z\"}").formatted(type, UUID.randomUUID(), pseudonym),
                "{\"type\":\"%s\",\"schemaVersion\":1,\"eventId\":\"%s\"}".formatted(type, UUID.randomUUID()));
    }

    /** Writes every poison message to every partition of every consumed topic; returns how many were written. */
    static int write(String bootstrapServers) throws InterruptedException, ExecutionException {
        int written = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            for (Map.Entry<String, String> topic : TYPE_OF_TOPIC.entrySet()) {
                int partitions = producer.partitionsFor(topic.getKey()).size();
                for (int partition = 0; partition < partitions; partition++) {
                    for (String poison : of(topic.getValue())) {
                        producer.send(new ProducerRecord<>(topic.getKey(), partition, "poison", poison)).get();
                        written++;
                    }
                }
            }
        }
        return written;
    }
}
