package dev.telemetry.report.projection;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

import dev.telemetry.report.Fleet;
import dev.telemetry.report.quarter.Quarter;
import dev.telemetry.testing.TestApiKeys;
import dev.telemetry.testing.TestDatabase;

@QuarkusTest
class RebuildFailureTest {

    @Inject
    Pool pool;

    @Test
    void aRebuildThatFailsMidwayAnswersWithAProblemChangesNothingAndLiveCountingGoesOn() {
        Quarter quarter = new Quarter(2023, 3);
        Fleet fleet = new Fleet();
        Fleet.Machine[] machines = new Fleet.Machine[11];
        for (int i = 0; i < machines.length; i++) {
            machines[i] = fleet.machine("linux", "1.0.0");
            fleet.optIn(machines[i], quarter.start());
            fleet.use(machines[i], "start_begin", Map.of(), quarter.start().plus(Duration.ofDays(i + 1)), true);
        }
        Fleet.awaitEvents(quarter.toString(), 11);
        String before = everyAggregate();

        // A consent timeline the rebuild cannot read: it fails in its final transaction, after it has already
        // deleted the live aggregates it was going to replace.
        TestDatabase.execute("INSERT INTO machine_consent (pseudonym, version, timeline) "
                + "VALUES ('poisoned', 1, '[{\"kind\": \"POISON\", \"at\": \"2023-07-02T00:00:00Z\"}]')");
        try {
            given().auth().oauth2(TestApiKeys.admin()).when().post("/v1/admin/aggregates/rebuild").then()
                    .statusCode(500).contentType("application/problem+json")
                    .body("type", equalTo("urn:telemetry:problem:rebuild-failed"));
            given().auth().oauth2(TestApiKeys.admin()).when().get("/v1/admin/aggregates/rebuild").then()
                    .statusCode(200).body("state", equalTo("failed"));

            assertThat(everyAggregate()).as("the aggregates before the rebuild").isEqualTo(before);
            for (int i = 0; i < 3; i++) {
                fleet.use(machines[i], "stop", Map.of(), quarter.start().plus(Duration.ofDays(20 + i)), true);
            }
            Fleet.awaitEvents(quarter.toString(), 14);
        } finally {
            TestDatabase.execute("DELETE FROM machine_consent WHERE pseudonym = 'poisoned'");
        }
    }

    @Test
    void everyDatabaseSessionEndsRunawayStatementsAndIdleTransactions() {
        assertThat(setting("statement_timeout")).isEqualTo("5min");
        assertThat(setting("idle_in_transaction_session_timeout")).isEqualTo("1min");
    }

    private String setting(String name) {
        return pool.query("SHOW " + name).execute().await().atMost(Duration.ofSeconds(30)).iterator().next()
                .getString(0);
    }

    private static String everyAggregate() {
        StringBuilder rows = new StringBuilder();
        for (String table : new String[]{"counted_event", "contribution", "rollup"}) {
            rows.append(table).append(' ').append(TestDatabase.query(
                    "SELECT count(*) AS n, md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS digest "
                            + "FROM " + table + " t"))
                    .append('\n');
        }
        return rows.toString();
    }
}
