package dev.telemetry.report.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;

import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.consent.ConsentGrantedMessage;
import dev.telemetry.contract.consent.ConsentMessage;
import dev.telemetry.contract.consent.ConsentWithdrawnMessage;
import dev.telemetry.contract.consent.ErasureRequestedMessage;
import dev.telemetry.report.Fleet;
import dev.telemetry.report.quarter.Quarter;
import dev.telemetry.testing.TestDatabase;

/**
 * A batch of consent messages counts as if its messages were applied one by one (an erasure removes what its machine
 * added before it, in this batch or an earlier one, and nothing after it), and a redelivered batch, whole or
 * overlapping the next, changes nothing.
 */
@QuarkusTest
class ConsentBatchTest {

    private static final Quarter QUARTER = new Quarter(2021, 2);

    @Inject
    ConsentProjection projection;

    private long offset;

    @Test
    void aBatchCountsAsItsMessagesOneByOneAndItsRedeliveryChangesNothing() {
        Fleet fleet = new Fleet();
        String a = fleet.machine("linux", "1.0.0").pseudonym;
        String b = fleet.machine("linux", "1.0.0").pseudonym;
        String c = fleet.machine("linux", "1.0.0").pseudonym;
        String d = fleet.machine("linux", "1.0.0").pseudonym;
        ConsumerRecords<String, String> first = batch(
                granted(a, 1, 1), granted(b, 1, 1), granted(c, 1, 1), granted(d, 1, 1),
                withdrawn(a, 2, 2), erased(b, 2, 3), granted(b, 3, 4));

        apply(first);
        assertThat(consentCells()).as("B's opt-in before its erasure is gone, the one after it counts")
                .containsExactly(cell("opted_in", 4, 4), cell("opted_out", 1, 1));

        ConsumerRecords<String, String> second = batch(
                granted(b, 3, 4), granted(c, 1, 1), // redelivered from the first batch
                erased(c, 2, 5), withdrawn(d, 2, 6), granted(d, 3, 7));
        apply(second);
        List<Map<String, Object>> counted = consentCells();
        assertThat(counted).as("C erased in a later batch; D opted out and in again")
                .containsExactly(cell("opted_in", 4, 3), cell("opted_out", 2, 2));

        apply(first);
        apply(second);
        assertThat(consentCells()).as("both batches delivered again").isEqualTo(counted);
        assertThat(TestDatabase.count("SELECT count(*) FROM contribution WHERE pseudonym IN (?, ?)", b, c))
                .as("B once (after its erasure), C never").isEqualTo(1);
    }

    /**
     * Two consumers with the same messages of a new machine at once, as replicas overlapping during a rebalance: a
     * publication holds the aggregate lock, both batches queue behind it, and it lets them go together.
     */
    @Test
    void overlappingBatchesApplyANewMachinesMessagesOnce() throws Exception {
        String machine = new Fleet().machine("linux", "1.0.0").pseudonym;
        ConsumerRecords<String, String> stale = batch(granted(machine, 1, 1));
        ConsumerRecords<String, String> current = batch(granted(machine, 1, 1), withdrawn(machine, 2, 2));
        try (Connection publication = TestDatabase.connect()) {
            publication.setAutoCommit(false);
            publication.createStatement().execute("SELECT pg_advisory_xact_lock(" + Aggregates.LOCK + ")");
            CompletableFuture<Void> both = Uni.join().all(projection.apply(current), projection.apply(stale))
                    .andFailFast().replaceWithVoid().subscribeAsCompletionStage();
            await().atMost(Duration.ofSeconds(30)).until(() -> TestDatabase.count(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") >= 2);
            publication.commit();
            both.get(1, TimeUnit.MINUTES);
        }
        assertThat(TestDatabase.query("SELECT key, events FROM contribution WHERE pseudonym = ? "
                + "AND dimension = 'consent' ORDER BY key", machine))
                .as("one opt-in and one opt-out, each counted once")
                .containsExactly(Map.of("key", "opted_in", "events", 1L), Map.of("key", "opted_out", "events", 1L));
        assertThat(TestDatabase.count("SELECT version FROM machine_consent WHERE pseudonym = ?", machine))
                .as("the later timeline stays").isEqualTo(2);
    }

    private void apply(ConsumerRecords<String, String> records) {
        projection.apply(records).await().atMost(Duration.ofMinutes(1));
    }

    private static List<Map<String, Object>> consentCells() {
        return TestDatabase.query("SELECT key, events, machines FROM rollup WHERE quarter = ? "
                + "AND dimension = 'consent' ORDER BY key", QUARTER.toString());
    }

    private static Map<String, Object> cell(String key, long events, long machines) {
        return Map.of("key", key, "events", events, "machines", machines);
    }

    /** The messages on one partition, in this order, as one poll returns them. */
    private ConsumerRecords<String, String> batch(ConsentMessage... messages) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        for (ConsentMessage message : messages) {
            records.add(new ConsumerRecord<>(Topics.CONSENT, 0, offset++, message.pseudonym(),
                    IntegrationJson.write(message)));
        }
        return new ConsumerRecords<>(Map.of(new TopicPartition(Topics.CONSENT, 0), records), Map.of());
    }

    private static Instant day(int day) {
        return QUARTER.start().plus(Duration.ofDays(day));
    }

    private static ConsentMessage granted(String pseudonym, long version, int day) {
        return new ConsentGrantedMessage(UUID.nameUUIDFromBytes((pseudonym + version).getBytes(StandardCharsets.UTF_8)),
                pseudonym,
                version, day(day), "linux", "1.0.0", "prompt");
    }

    private static ConsentMessage withdrawn(String pseudonym, long version, int day) {
        return new ConsentWithdrawnMessage(
                UUID.nameUUIDFromBytes((pseudonym + version).getBytes(StandardCharsets.UTF_8)), pseudonym,
                version, day(day), "linux", "1.0.0", "toggle");
    }

    private static ConsentMessage erased(String pseudonym, long version, int day) {
        return new ErasureRequestedMessage(
                UUID.nameUUIDFromBytes((pseudonym + version).getBytes(StandardCharsets.UTF_8)), pseudonym,
                version, day(day),
                UUID.nameUUIDFromBytes(("receipt" + pseudonym + version).getBytes(StandardCharsets.UTF_8)));
    }
}
