package dev.telemetry.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class LocalKafkaTest {

    @Test
    void brokerKeepsItsDataAcrossStopAndRestart() throws Exception {
        try (LocalKafka kafka = LocalKafka.start(null, Ports.free(), Ports.free(), null)) {
            send(kafka, "before-restart");

            kafka.stop();
            kafka.restart();
            send(kafka, "after-restart");

            assertThat(readAll(kafka, 2)).containsExactly("before-restart", "after-restart");
        }
    }

    @Test
    void suiteTopicsGetTheirRetentionWhetherNewOrAlreadyThere() throws Exception {
        try (LocalKafka kafka = LocalKafka.start(null, Ports.free(), Ports.free(), null)) {
            send(kafka, "auto-created with the broker's default retention");

            kafka.ensureTopics(Map.of("local-kafka-test", Map.of("retention.ms", "-1"),
                    "local-kafka-new", Map.of("retention.ms", "10368000000")));

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers()))) {
                assertThat(retention(admin, "local-kafka-test")).isEqualTo("-1");
                assertThat(retention(admin, "local-kafka-new")).isEqualTo("10368000000");
            }
        }
    }

    private static String retention(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource).get("retention.ms").value();
    }

    private static void send(LocalKafka kafka, String value) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>("local-kafka-test", "key", value)).get();
        }
    }

    private static List<String> readAll(LocalKafka kafka, int expected) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "local-kafka-test",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("local-kafka-test"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
