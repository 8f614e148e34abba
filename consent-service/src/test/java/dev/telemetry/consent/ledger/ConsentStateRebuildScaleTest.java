package dev.telemetry.consent.ledger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.telemetry.testing.TestApiKeys;
import dev.telemetry.testing.TestDatabase;

/**
 * The projection rebuild at a real size: 100,000 machines written straight into the event store with one statement,
 * the projection damaged, then rebuilt through the admin API and compared with the state each machine's events
 * imply, computed here independently of the code under test.
 */
@QuarkusTest
class ConsentStateRebuildScaleTest {

    private static final int MACHINES = 100_000;

    private final String prefix = "scale-" + UUID.randomUUID() + "-";

    /**
     * Machine {@code i} of the run, by {@code i % 4}: 0 opted in; 1 opted in, then out; 2 said no at the prompt;
     * 3 opted in, then asked for erasure. Version {@code v} is recorded at {@code base + i ms + v s}.
     */
    private static final String MACHINES_SQL = """
            WITH machine AS (
                SELECT i, ? || lpad(i::text, 6, '0') AS stream_id,
                       timestamptz '2026-10-01 00:00:00+00' + i * interval '1 millisecond' AS base,
                       md5(i::text || ?)::uuid AS receipt
                FROM generate_series(1, ?) AS i
            )
            """;

    private static final String EXPECTED = MACHINES_SQL + """
            SELECT stream_id,
                   CASE WHEN i % 4 IN (0, 2) THEN 1 ELSE 2 END AS version,
                   CASE WHEN i % 4 = 0 THEN 'OPTED_IN' ELSE 'OPTED_OUT' END AS status,
                   base + CASE WHEN i % 4 IN (0, 2) THEN interval '1 second' ELSE interval '2 seconds' END AS since,
                   CASE WHEN i % 4 = 3 THEN receipt END AS pending_erasure
            FROM machine""";

    private static final String ACTUAL = """
            SELECT stream_id, version, status, since, pending_erasure FROM consent_state WHERE stream_id LIKE ?""";

    private static final String OTHERS = """
            SELECT coalesce(md5(string_agg(concat_ws('|', stream_id, version, status, since, pending_erasure), ','
                ORDER BY stream_id)), '') AS digest, count(*) AS machines
            FROM consent_state WHERE stream_id NOT LIKE 'scale-%'""";

    @AfterEach
    void removeTheMachines() {
        TestDatabase.execute("DELETE FROM consent_event WHERE stream_id LIKE ?", prefix + "%");
        TestDatabase.execute("DELETE FROM consent_state WHERE stream_id LIKE ?", prefix + "%");
    }

    @Test
    void rebuildRestoresTheExactStateOfMoreThanAHundredThousandMachines() {
        writeEvents();
        TestDatabase.execute("INSERT INTO consent_state (stream_id, version, status, since, pending_erasure) "
                + "SELECT stream_id, version, status, since, pending_erasure FROM (" + EXPECTED + ") expected",
                prefix, prefix, MACHINES);
        Object othersBefore = TestDatabase.query(OTHERS).get(0);
        long machinesBefore = TestDatabase.count("SELECT count(*) FROM consent_state");

        // Damage: lost rows, wrong rows, and a machine that has no events at all.
        TestDatabase.execute("DELETE FROM consent_state WHERE stream_id LIKE ? AND right(stream_id, 1) = '7'",
                prefix + "%");
        TestDatabase.execute("UPDATE consent_state SET status = 'OPTED_IN', version = 99, pending_erasure = NULL "
                + "WHERE stream_id LIKE ? AND right(stream_id, 1) IN ('3', '4')", prefix + "%");
        TestDatabase.execute("INSERT INTO consent_state (stream_id, version, status, since) "
                + "VALUES (?, 1, 'OPTED_IN', now())", prefix + "without-events");

        long machines = ((Number) given().auth().oauth2(TestApiKeys.admin())
                .when().post("/v1/admin/projections/consent-state/rebuild")
                .then().statusCode(200).extract().path("machines")).longValue();

        assertThat(machines).isEqualTo(machinesBefore);
        assertThat(TestDatabase.count("SELECT count(*) FROM consent_state WHERE stream_id LIKE ?", prefix + "%"))
                .isEqualTo(MACHINES);
        assertThat(TestDatabase.count("SELECT count(*) FROM ((" + EXPECTED + ") EXCEPT (" + ACTUAL + ")) missing",
                prefix, prefix, MACHINES, prefix + "%")).as("machines whose rebuilt state is wrong or missing")
                .isZero();
        assertThat(TestDatabase.count("SELECT count(*) FROM ((" + ACTUAL + ") EXCEPT (" + EXPECTED + ")) extra",
                prefix + "%", prefix, prefix, MACHINES)).as("rows the rebuild should not have written").isZero();
        assertThat(TestDatabase.query(OTHERS).get(0)).as("the other tests' machines").isEqualTo(othersBefore);
    }

    /** Every machine's events in one statement, as {@code ConsentLedger} stores them. */
    private void writeEvents() {
        int written = TestDatabase.execute(
                MACHINES_SQL
                        + """
                                INSERT INTO consent_event (stream_id, version, event_id, event_type, schema_version, payload, recorded_at)
                                SELECT stream_id, e.version, gen_random_uuid(), e.type, 1, e.payload, base + e.version * interval '1 second'
                                FROM machine CROSS JOIN LATERAL (VALUES
                                    (1, CASE WHEN i % 4 = 2 THEN 'consent.withdrawn' ELSE 'consent.granted' END,
                                        '{"os":"linux","build":"0.0.1234","source":"prompt"}'),
                                    (2, CASE WHEN i % 4 = 1 THEN 'consent.withdrawn' ELSE 'erasure.requested' END,
                                        CASE WHEN i % 4 = 1 THEN '{"os":"linux","build":"0.0.1234","source":"toggle"}'
                                             ELSE '{"receipt":"' || receipt || '"}' END)
                                ) AS e(version, type, payload)
                                WHERE e.version = 1 OR i % 4 IN (1, 3)""",
                prefix, prefix, MACHINES);
        assertThat(written).isEqualTo(MACHINES + MACHINES / 2);
    }
}
