package dev.telemetry.consent.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;

import dev.telemetry.consent.Machine;
import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.consent.ConsentMessage;
import dev.telemetry.testing.TestDatabase;
import dev.telemetry.testing.TopicReader;

/**
 * Two consent-service replicas against one database: this app's relay and a second relay with its own connection
 * and its own Kafka producer, as another replica would have. Only the holder of the advisory lock relays; when it
 * stops, the other takes over, and no machine's message is lost or overtaken.
 */
@QuarkusTest
class TwoRelaysTest {

    private static final String LOCK_HOLDERS = """
            SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
            AND ((classid::bigint << 32) | objid::bigint) = x'636f6e73656e74'::bigint""";
    private static final int MACHINES = 12;
    private static final int COMMANDS = 4;

    @Inject
    OutboxRelayService thisReplica;

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String url;

    @ConfigProperty(name = "quarkus.datasource.username")
    String user;

    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    private KafkaProducer<String, String> producer;
    private final Queue<String> sentByOther = new ConcurrentLinkedQueue<>();
    private OutboxRelay other;

    @BeforeEach
    void startTheOtherReplica() {
        await().atMost(Duration.ofSeconds(30)).until(() -> thisReplica.relay().leading());
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new StringSerializer());
        other = new OutboxRelay(vertx, PgConnectOptions.fromUri(url).setUser(user).setPassword(password),
                new ProducerSink(), Clock.systemUTC(),
                new OutboxRelay.Settings(Duration.ofMillis(200), 500, Duration.ofSeconds(1), Duration.ofMillis(200),
                        Duration.ofSeconds(1)));
        other.start();
    }

    @AfterEach
    void stopTheOtherReplica() {
        other.stop();
        producer.close();
        thisReplica.relay().start();
        await().atMost(Duration.ofSeconds(30)).until(() -> thisReplica.relay().leading());
    }

    @Test
    void onlyTheLockHolderRelaysAndTheOtherTakesOverWithoutLossOrReordering() throws Exception {
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
                .until(() -> !other.leading() && TestDatabase.count(LOCK_HOLDERS) == 1);

        List<Machine> first = recordConcurrently();
        awaitPublished(first);
        assertThat(sentByOther).as("messages sent by the replica that does not hold the lock").isEmpty();

        thisReplica.relay().stop();
        List<Machine> second = recordConcurrently();
        await().atMost(Duration.ofSeconds(30)).until(other::leading);
        List<ConsumerRecord<String, String>> published = awaitPublished(second);

        assertThat(TestDatabase.count(LOCK_HOLDERS)).isEqualTo(1);
        assertThat(sentByOther).as("the other replica relayed what was written after the first stopped")
                .containsAll(second.stream().map(Machine::pseudonym).toList());
        for (Machine machine : concat(first, second)) {
            // At-least-once: a handover may re-send, but every version arrives and none overtakes an earlier one.
            List<Long> versions = published.stream().filter(record -> machine.pseudonym().equals(record.key()))
                    .map(record -> IntegrationJson.read(record.value(), ConsentMessage.class).version()).toList();
            assertThat(new ArrayList<>(new LinkedHashSet<>(versions)))
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, COMMANDS).boxed().toList());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> TestDatabase.count("SELECT count(*) FROM outbox") == 0);
    }

    /** {@value #MACHINES} machines, each toggling {@value #COMMANDS} times, all machines at once. */
    private static List<Machine> recordConcurrently() throws Exception {
        List<Machine> machines = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(MACHINES);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < MACHINES; i++) {
                Machine machine = Machine.newMachine();
                machines.add(machine);
                calls.add(pool.submit(() -> {
                    for (int command = 0; command < COMMANDS; command++) {
                        assertThat(machine.answer(command % 2 == 0, "toggle").statusCode()).isEqualTo(200);
                    }
                }));
            }
            for (Future<?> call : calls) {
                call.get();
            }
        } finally {
            pool.shutdown();
        }
        return machines;
    }

    private static List<ConsumerRecord<String, String>> awaitPublished(List<Machine> machines) {
        List<ConsumerRecord<String, String>> records = TopicReader.readUntil(Topics.CONSENT,
                all -> machines.stream().allMatch(machine -> all.stream()
                        .filter(record -> machine.pseudonym().equals(record.key())).count() >= COMMANDS),
                Duration.ofSeconds(60));
        for (Machine machine : machines) {
            assertThat(records).filteredOn(record -> machine.pseudonym().equals(record.key()))
                    .hasSizeGreaterThanOrEqualTo(COMMANDS);
        }
        return records;
    }

    private static List<Machine> concat(List<Machine> a, List<Machine> b) {
        List<Machine> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** The other replica's Kafka producer: acks=all, idempotent, as the consent-out channel is configured. */
    private final class ProducerSink implements OutboxRelay.Sink {

        @Override
        public Uni<Void> send(String topic, Integer partition, String key, String value) {
            CompletableFuture<Void> acked = new CompletableFuture<>();
            producer.send(new ProducerRecord<>(topic, partition, key, value), (metadata, failure) -> {
                if (failure != null) {
                    acked.completeExceptionally(failure);
                } else {
                    if (key != null) {
                        sentByOther.add(key);
                    }
                    acked.complete(null);
                }
            });
            return Uni.createFrom().completionStage(acked);
        }

        @Override
        public Uni<Integer> partitions(String topic) {
            return Uni.createFrom().item(() -> producer.partitionsFor(topic).size())
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        }
    }
}
