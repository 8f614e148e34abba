package dev.telemetry.report.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

import dev.telemetry.contract.usage.UsageEvent;
import dev.telemetry.report.Fleet;
import dev.telemetry.report.quarter.Quarter;
import dev.telemetry.testing.TestDatabase;

/** Exactly once across redelivery and crashes: the dedupe marker is written in the batch's own transaction. */
@QuarkusTest
class RedeliveryTest {

    @Inject
    UsageProjection usage;

    @Inject
    Pool pool;

    @Test
    void aRedeliveredBatchChangesNothingWhetherReappliedOrResentThroughKafka() {
        Quarter quarter = new Quarter(2024, 3);
        Fleet fleet = new Fleet();
        List<UsageEvent> batch = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Fleet.Machine machine = fleet.machine(i % 2 == 0 ? "linux" : "darwin", "1.0.0");
            fleet.optIn(machine, quarter.start());
            for (int e = 0; e < 3; e++) {
                batch.add(fleet.use(machine, e == 2 ? "error" : "start_begin", e == 2
                        ? Map.of("code", "timeout")
                        : Map.of(), quarter.start().plus(Duration.ofDays(i + 1)).plusSeconds(e), true));
            }
        }
        Fleet.awaitEvents(quarter.toString(), 36);
        String counted = aggregates(quarter);

        // The same batch again through the projection, as after a crash between its commit and the offset commit.
        UsageProjection.Tally again = pool.withTransaction(
                tx -> usage.count(tx, Aggregates.Tables.LIVE, countable(batch), Instant.MAX)).await()
                .atMost(Duration.ofMinutes(1));
        assertThat(again.read()).isEqualTo(36);
        assertThat(again.counted()).isZero();
        assertThat(aggregates(quarter)).isEqualTo(counted);

        // And every record of it once more on the topic.
        batch.forEach(fleet::resend);
        Fleet.awaitEvents(quarter.toString(), 36);
        assertThat(aggregates(quarter)).isEqualTo(counted);
    }

    @Test
    void aBatchWhoseTransactionFailsLeavesNoTraceAndCountsOnceWhenDeliveredAgain() {
        Quarter quarter = new Quarter(2024, 4);
        Fleet fleet = new Fleet();
        List<UsageEvent> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Fleet.Machine machine = fleet.machine("linux", "2.0.0");
            fleet.optIn(machine, quarter.start().minus(Duration.ofDays(1))); // counted in the quarter before
            Instant at = quarter.start().plus(Duration.ofDays(i + 1));
            batch.add(new UsageEvent(UUID.randomUUID(), machine.pseudonym, at, "stop", machine.os, machine.build,
                    Map.of(), at.plusSeconds(30), "cf-dev@1"));
        }
        fleet.settleConsent();
        batch.add(batch.get(0)); // a duplicate inside the batch

        assertThatThrownBy(() -> pool
                .withTransaction(tx -> usage.count(tx, Aggregates.Tables.LIVE, countable(batch), Instant.MAX)
                        .chain(tally -> Uni.createFrom().failure(new IllegalStateException("crash before commit"))))
                .await().atMost(Duration.ofMinutes(1))).hasMessageContaining("crash before commit");
        assertThat(aggregates(quarter)).as("nothing of the failed batch").isEmpty();

        UsageProjection.Tally first = pool.withTransaction(
                tx -> usage.count(tx, Aggregates.Tables.LIVE, countable(batch), Instant.MAX)).await()
                .atMost(Duration.ofMinutes(1));
        assertThat(first.counted()).isEqualTo(5);
        String counted = aggregates(quarter);
        assertThat(TestDatabase.query("SELECT events, machines FROM rollup WHERE quarter = ? AND dimension = 'total'",
                quarter.toString())).containsExactly(Map.of("events", 5L, "machines", 5L));

        UsageProjection.Tally second = pool.withTransaction(
                tx -> usage.count(tx, Aggregates.Tables.LIVE, countable(batch), Instant.MAX)).await()
                .atMost(Duration.ofMinutes(1));
        assertThat(second.counted()).isZero();
        assertThat(aggregates(quarter)).isEqualTo(counted);
    }

    /** Every row of the quarter in the three tables counting writes, as text. */
    static String aggregates(Quarter quarter) {
        StringBuilder rows = new StringBuilder();
        for (String table : List.of("counted_event", "contribution", "rollup")) {
            TestDatabase.query("SELECT t::text AS row FROM " + table + " t WHERE quarter = ? ORDER BY t::text",
                    quarter.toString()).forEach(row -> rows.append(table).append(row.get("row")).append('\n'));
        }
        return rows.toString();
    }

    private static List<UsageRecord.Countable> countable(List<UsageEvent> events) {
        return events.stream().map(UsageRecord.Countable::of).toList();
    }
}
