package dev.telemetry.collector.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;

import dev.telemetry.consentview.ConsentView;
import dev.telemetry.contract.IntegrationEvent;
import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.consent.ConsentGrantedMessage;
import dev.telemetry.contract.consent.ConsentMessage;
import dev.telemetry.contract.consent.ConsentWatermark;
import dev.telemetry.contract.consent.ConsentWithdrawnMessage;
import dev.telemetry.contract.consent.ErasureRequestedMessage;
import dev.telemetry.testing.SimulatedMachines;
import dev.telemetry.testing.TestDatabase;

/**
 * The consent view applies a polled batch in one transaction: each machine's messages in stream order, watermarks
 * with them, and a redelivered batch (whole, overlapping, or with a message repeated inside it) changes nothing.
 */
@QuarkusTest
class ConsentBatchTest {

    /** A partition the consent topic does not have: its watermark row never decides how fresh the view is. */
    private static final int NO_SUCH_PARTITION = 97;

    @Inject
    ConsentView view;

    @Inject
    Pool pool;

    private long offset;

    @AfterEach
    void forgetTheWatermark() {
        TestDatabase.execute("DELETE FROM consent_progress WHERE topic_partition = ?", NO_SUCH_PARTITION);
    }

    @Test
    void aBatchIsAppliedInStreamOrderAndItsRedeliveryChangesNothing() {
        Instant at = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
        String a = pseudonym();
        String b = pseudonym();
        ConsentMessage a1 = granted(a, 1, at);
        ConsentMessage b1 = granted(b, 1, at.plusSeconds(1));
        ConsentMessage a2 = withdrawn(a, 2, at.plusSeconds(2));
        ConsentMessage b2 = erased(b, 2, at.plusSeconds(3));
        ConsentMessage a3 = granted(a, 3, at.plusSeconds(4));
        Instant watermark = Instant.parse("2999-01-01T00:00:00Z");
        List<ConsumerRecord<String, String>> batch = List.of(record(0, a, a1), record(1, b, b1), record(0, a, a2),
                record(0, a, a1), // a redelivery inside the batch
                record(1, b, b2), record(0, "unreadable", null), record(0, a, a3),
                record(NO_SUCH_PARTITION, null, new ConsentWatermark(UUID.randomUUID(), watermark.minusSeconds(60),
                        NO_SUCH_PARTITION)),
                record(NO_SUCH_PARTITION, null, new ConsentWatermark(UUID.randomUUID(), watermark,
                        NO_SUCH_PARTITION)));

        assertThat(consume(batch)).as("the news, in order").containsExactly(a1, b1, a2, b2, a3);
        List<Map<String, Object>> applied = rows(a, b);
        assertThat(applied).extracting(row -> row.get("version")).containsExactly(3L, 2L);
        assertThat(applied.get(0).get("timeline").toString())
                .contains("GRANTED", "WITHDRAWN").doesNotContain("ERASED");
        assertThat(applied.get(1).get("timeline").toString()).as("an erasure leaves only its marker")
                .contains("ERASED").doesNotContain("GRANTED");
        assertThat(TestDatabase.query("SELECT watermark FROM consent_progress WHERE topic_partition = ?",
                NO_SUCH_PARTITION)).singleElement()
                .satisfies(row -> assertThat(row.get("watermark").toString()).startsWith("2999-01-01"));

        assertThat(consume(batch)).as("the same batch again").isEmpty();
        assertThat(rows(a, b)).isEqualTo(applied);

        List<ConsumerRecord<String, String>> overlapping = new ArrayList<>(batch.subList(4, batch.size()));
        ConsentMessage b3 = granted(b, 3, at.plusSeconds(5));
        overlapping.add(record(1, b, b3));
        assertThat(consume(overlapping)).as("only what is new in an overlapping batch").containsExactly(b3);
        assertThat(rows(a, b)).extracting(row -> row.get("version")).containsExactly(3L, 3L);
    }

    /**
     * Two consumers overlapping during a rebalance both find no row for a new machine, so neither can lock it: the
     * one holding the older messages, committing later, must not take the machine's timeline back.
     */
    @Test
    void anOlderBatchCommittedLaterDoesNotTakeATimelineBack() throws Exception {
        Instant at = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
        String a = pseudonym();
        ConsentMessage a1 = granted(a, 1, at);
        ConsentMessage a2 = withdrawn(a, 2, at.plusSeconds(1));
        SqlConnection newer = pool.getConnection().await().atMost(Duration.ofSeconds(10));
        SqlConnection older = pool.getConnection().await().atMost(Duration.ofSeconds(10));
        try {
            Transaction newerTx = newer.begin().await().atMost(Duration.ofSeconds(10));
            view.consume(newer, List.of(record(0, a, a1), record(0, a, a2))).await().atMost(Duration.ofSeconds(10));
            Transaction olderTx = older.begin().await().atMost(Duration.ofSeconds(10));
            CompletableFuture<List<ConsentMessage>> olderNews = view.consume(older, List.of(record(0, a, a1)))
                    .subscribeAsCompletionStage();
            await().atMost(Duration.ofSeconds(30)).until(() -> TestDatabase.count("SELECT count(*) FROM "
                    + "pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") >= 1);
            newerTx.commit().await().atMost(Duration.ofSeconds(10));
            assertThat(olderNews.get(1, TimeUnit.MINUTES)).as("it found no row, so its message looked new")
                    .containsExactly(a1);
            olderTx.commit().await().atMost(Duration.ofSeconds(10));
        } finally {
            newer.closeAndAwait();
            older.closeAndAwait();
        }
        assertThat(rows(a, a)).extracting(row -> row.get("version")).containsExactly(2L);
    }

    private List<ConsentMessage> consume(List<ConsumerRecord<String, String>> records) {
        return pool.withTransaction(tx -> view.consume(tx, records)).await().atMost(Duration.ofMinutes(1));
    }

    private static List<Map<String, Object>> rows(String first, String second) {
        return TestDatabase.query("SELECT pseudonym, version, timeline::text AS timeline FROM machine_consent "
                + "WHERE pseudonym IN (?, ?) ORDER BY pseudonym = ? DESC", first, second, first);
    }

    private ConsumerRecord<String, String> record(int partition, String key, IntegrationEvent event) {
        return new ConsumerRecord<>(Topics.CONSENT, partition, offset++, key,
                event == null ? "{\"type\": \"consent.granted\", \"version\": " : IntegrationJson.write(event));
    }

    private static String pseudonym() {
        return SimulatedMachines.pseudonymOf(SimulatedMachines.newAnonymousId());
    }

    private static ConsentMessage granted(String pseudonym, long version, Instant at) {
        return new ConsentGrantedMessage(UUID.randomUUID(), pseudonym, version, at, "linux", "1.0.0", "prompt");
    }

    private static ConsentMessage withdrawn(String pseudonym, long version, Instant at) {
        return new ConsentWithdrawnMessage(UUID.randomUUID(), pseudonym, version, at, "linux", "1.0.0", "toggle");
    }

    private static ConsentMessage erased(String pseudonym, long version, Instant at) {
        return new ErasureRequestedMessage(UUID.randomUUID(), pseudonym, version, at, UUID.randomUUID());
    }
}
