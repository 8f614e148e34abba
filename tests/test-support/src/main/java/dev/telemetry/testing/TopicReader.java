package dev.telemetry.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.consent.ConsentWatermark;

/** Reads and writes topics of the test broker directly, as another service would. */
public final class TopicReader {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private TopicReader() {
    }

    /**
     * Every committed record on {@code topic}, from the beginning up to the end offsets it has when called. Call it
     * once everything the test waits for has been acknowledged by the broker (the collector answered, consent-service's
     * outbox is empty): then the result is complete, and a duplicate that was sent shows up, with no settling wait.
     */
    public static List<ConsumerRecord<String, String>> readAll(String topic) {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            List<TopicPartition> partitions = assignFromBeginning(consumer, topic, deadline);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            readToEnd(consumer, partitions, records, deadline);
            return records;
        }
    }

    /**
     * Waits for records that another component publishes asynchronously: every record on {@code topic} from the
     * beginning, once {@code done} holds for them (or the timeout passed), and then up to the end offsets of that
     * moment. To check that something was published exactly once, first wait until its producer has nothing left to
     * send and then use {@link #readAll(String)}.
     */
    public static List<ConsumerRecord<String, String>> readUntil(String topic,
            Predicate<List<ConsumerRecord<String, String>>> done, Duration timeout) {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<TopicPartition> partitions = assignFromBeginning(consumer, topic, deadline);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            while (!done.test(records) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            readToEnd(consumer, partitions, records, System.nanoTime() + READ_TIMEOUT.toNanos());
            return records;
        }
    }

    private static KafkaConsumer<String, String> consumer() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    private static List<TopicPartition> assignFromBeginning(KafkaConsumer<String, String> consumer, String topic,
            long deadline) {
        List<TopicPartition> partitions = List.of();
        while (partitions.isEmpty() && System.nanoTime() < deadline) {
            partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).collect(Collectors.toList());
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }

    /** Polls until every partition's position has reached the end offset it had when this was called. */
    private static void readToEnd(KafkaConsumer<String, String> consumer, List<TopicPartition> partitions,
            List<ConsumerRecord<String, String>> records, long deadline) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        while (!reached(consumer, end)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read up to the end offsets " + end);
            }
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
    }

    private static boolean reached(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(partition -> consumer.position(partition.getKey()) >= partition
                .getValue());
    }

    public static void send(String topic, String key, String value) {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("could not send to " + topic, e.getCause());
        }
    }

    /** Sends many records with one producer (keyed values in order), returning once Kafka acknowledged all. */
    public static void sendAll(String topic, List<Map.Entry<String, String>> keyedValues) {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
            for (Map.Entry<String, String> record : keyedValues) {
                sends.add(producer.send(new ProducerRecord<>(topic, record.getKey(), record.getValue())));
            }
            for (java.util.concurrent.Future<?> send : sends) {
                send.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("could not send to " + topic, e.getCause());
        }
    }

    /**
     * Sends a consent watermark to every partition of the consent topic, as consent-service's relay does when its
     * outbox is empty: consent published so far is complete up to {@code upTo}.
     */
    public static void consentWatermark(Instant upTo) {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            int partitions = producer.partitionsFor(Topics.CONSENT).size();
            for (int partition = 0; partition < partitions; partition++) {
                producer.send(new ProducerRecord<>(Topics.CONSENT, partition, null,
                        IntegrationJson.write(new ConsentWatermark(UUID.randomUUID(), upTo, partition)))).get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("could not send a consent watermark", e.getCause());
        }
    }

    private static String bootstrapServers() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }
}
