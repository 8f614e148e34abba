package dev.telemetry.benchmarks;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.usage.UsageEvent;

/**
 * Grows the usage log quickly for the rebuild stage (i): copies of records the collector itself wrote (same machines'
 * pseudonyms, capture and receive times, kinds and data; only the event id is new, so every copy counts once),
 * written as the collector writes them (key = pseudonym, the contract's JSON, acks=all, idempotent). Pushing 10M
 * events through the collector would take as long as its ingest stage; what is measured here is the rebuild.
 */
final class UsageLogFiller {

    private static final int TEMPLATES = 2_000;

    private final String bootstrapServers;

    UsageLogFiller(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Writes {@code count} copies and returns once the broker acknowledged all of them. */
    void write(long count) throws IOException, InterruptedException {
        List<UsageEvent> events = collectorRecords();
        // The contract's JSON of each record, split around its event id: a copy is the same bytes with a new id.
        List<String[]> templates = events.stream().map(event -> {
            String json = IntegrationJson.write(event);
            String id = event.eventId().toString();
            int at = json.indexOf(id);
            return new String[]{event.pseudonym(), json.substring(0, at), json.substring(at + id.length())};
        }).toList();
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        AtomicLong failed = new AtomicLong();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            for (long i = 0; i < count && failed.get() == 0; i++) {
                String[] template = templates.get((int) (i % templates.size()));
                UUID id = new UUID(random.nextLong() & 0xffffffffffff0fffL | 0x0000000000004000L, random.nextLong());
                producer.send(new ProducerRecord<>(Topics.USAGE, template[0], template[1] + id + template[2]),
                        (metadata, error) -> {
                            if (error != null) {
                                failed.incrementAndGet();
                                firstFailure.compareAndSet(null, error);
                            }
                        });
            }
            producer.flush();
        }
        if (failed.get() > 0) {
            throw new IOException(failed.get() + " records not written to " + Topics.USAGE, firstFailure.get());
        }
    }

    /** Up to {@value #TEMPLATES} records the collector wrote, read from the start of the usage topic. */
    private List<UsageEvent> collectorRecords() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "benchmarks-templates-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<UsageEvent> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.USAGE));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records.size() < TEMPLATES && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (records.size() < TEMPLATES) {
                        records.add(IntegrationJson.read(record.value(), UsageEvent.class));
                    }
                }
            }
        }
        if (records.isEmpty()) {
            throw new IllegalStateException("no record of the collector in " + Topics.USAGE + " to copy");
        }
        return records;
    }
}
