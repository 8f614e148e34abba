package dev.telemetry.report.projection;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.erasure.ErasureCompleted;
import dev.telemetry.report.Fleet;
import dev.telemetry.report.quarter.Quarter;
import dev.telemetry.testing.TestApiKeys;
import dev.telemetry.testing.TestDatabase;
import dev.telemetry.testing.TopicReader;

@QuarkusTest
class ErasureAndRebuildTest {

    @Test
    void erasureRemovesTheMachineFromUnpublishedQuartersAndIsConfirmed() {
        Quarter quarter = new Quarter(2025, 2);
        Fleet fleet = new Fleet();
        Fleet.Machine erased = fleet.machine("linux", "1.0.0");
        fleet.optIn(erased, quarter.start().minus(Duration.ofDays(1)));
        for (int i = 0; i < 3; i++) {
            fleet.use(erased, "app_created", Map.of("buildpack", "java"), quarter.start().plus(Duration.ofDays(i)),
                    true);
        }
        Fleet.Machine stays = fleet.machine("linux", "1.0.0");
        fleet.optIn(stays, quarter.start().minus(Duration.ofDays(1)));
        fleet.use(stays, "app_created", Map.of("buildpack", "go"), quarter.start().plus(Duration.ofDays(5)), true);
        Fleet.awaitEvents(quarter.toString(), 4);
        Quarter optInQuarter = quarter.previous();
        Map<String, List<Long>> before = rollups(quarter, optInQuarter);

        UUID receipt = fleet.erase(erased, quarter.end().plus(Duration.ofDays(1)));
        fleet.settleConsent();

        Fleet.awaitEvents(quarter.toString(), 1);
        assertThat(TestDatabase.count("SELECT count(*) FROM contribution WHERE pseudonym = ?", erased.pseudonym))
                .as("contributions of the erased machine").isZero();
        assertThat(TestDatabase.count("SELECT count(*) FROM counted_event WHERE machine = machine_key(?)",
                erased.pseudonym))
                .as("counted events of the erased machine").isZero();
        // Every cell it touched loses exactly its events and one machine; no other cell changes.
        Map<String, List<Long>> expected = new TreeMap<>(before);
        subtract(expected, quarter + " total/events", 3);
        subtract(expected, quarter + " kind/app_created", 3);
        subtract(expected, quarter + " os/linux", 3);
        subtract(expected, quarter + " build/1.0.0", 3);
        // The counting rule's unpublished cells too: its three active days and its settled events.
        for (int i = 0; i < 3; i++) {
            subtract(expected, quarter + " day/" + quarter.start().plus(Duration.ofDays(i)).toString().substring(0, 10),
                    1);
        }
        subtract(expected, quarter + " settled/events", 3);
        subtract(expected, optInQuarter + " consent/opted_in", 1);
        assertThat(rollups(quarter, optInQuarter)).isEqualTo(expected);
        List<ConsumerRecord<String, String>> confirmations = TopicReader.readUntil(Topics.ERASURES,
                all -> all.stream().anyMatch(r -> erased.pseudonym.equals(r.key())), Duration.ofSeconds(60));
        ErasureCompleted confirmation = confirmations.stream().filter(r -> erased.pseudonym.equals(r.key()))
                .map(r -> IntegrationJson.read(r.value(), ErasureCompleted.class)).findFirst().orElseThrow();
        assertThat(confirmation.receipt()).isEqualTo(receipt);
        assertThat(confirmation.pseudonym()).isEqualTo(erased.pseudonym);
    }

    @Test
    void rebuildingFromTheLogGivesExactlyTheSameReport() {
        Quarter quarter = new Quarter(2025, 3);
        Fleet fleet = new Fleet();
        for (int i = 0; i < 14; i++) {
            Fleet.Machine machine = fleet.machine(i % 3 == 0 ? "darwin" : "linux", i % 4 == 0 ? "1.1.0" : "1.0.0");
            fleet.optIn(machine, quarter.start().plus(Duration.ofHours(i)));
            var event = fleet.use(machine, "start_begin", Map.of("cpus", 2), quarter.start().plus(Duration.ofDays(i)),
                    true);
            fleet.use(machine, "error", Map.of("code", i % 2 == 0 ? "timeout" : "unknown"),
                    quarter.start().plus(Duration.ofDays(i)).plusSeconds(60), true);
            if (i == 1) {
                fleet.resend(event);
            }
            if (i == 2) {
                fleet.optOut(machine, quarter.start().plus(Duration.ofDays(30)));
                fleet.use(machine, "stop", Map.of(), quarter.start().plus(Duration.ofDays(40)), false);
            }
            if (i == 3) {
                fleet.erase(machine, quarter.start().plus(Duration.ofDays(50)));
                fleet.settleConsent();
            }
        }
        String before = awaitStable(quarter, 26);
        List<Map<String, Object>> contributions = contributions(quarter);
        List<Map<String, Object>> counted = counted(quarter);

        damage(quarter);
        assertThat(preview(quarter)).as("the damage shows").isNotEqualTo(before);

        Map<String, Object> result = given().auth().oauth2(TestApiKeys.admin())
                .when().post("/v1/admin/aggregates/rebuild").then().statusCode(200).extract().as(Map.class);

        assertThat(((Number) result.get("eventsRead")).longValue()).isGreaterThanOrEqualTo(29);
        assertThat(preview(quarter)).isEqualTo(before);
        assertThat(contributions(quarter)).isEqualTo(contributions);
        assertThat(counted(quarter)).isEqualTo(counted);
        // The known truth: 13 machines (14 minus the erased one) with 2 counted events each.
        assertThat(TestDatabase.query("SELECT events, machines FROM rollup WHERE quarter = ? AND dimension = 'total'",
                quarter.toString())).containsExactly(Map.of("events", 26L, "machines", 13L));
        assertThat(counted).hasSize(26);
    }

    /** Damages every table a rebuild recomputes, as a bug or a bad manual fix could. */
    static void damage(Quarter quarter) {
        String q = quarter.toString();
        TestDatabase.execute("UPDATE rollup SET events = events + 5, machines = machines + 2 WHERE quarter = ?", q);
        TestDatabase.execute("INSERT INTO rollup VALUES (?, 'build', '6.6.6', 40, 20)", q);
        TestDatabase.execute("DELETE FROM contribution WHERE quarter = ? AND dimension = 'os'", q);
        TestDatabase.execute("INSERT INTO contribution VALUES (?, 'build', '6.6.6', 'bogus', 4)", q);
        TestDatabase.execute("DELETE FROM counted_event WHERE event_id IN "
                + "(SELECT event_id FROM counted_event WHERE quarter = ? LIMIT 5)", q);
        TestDatabase.execute("INSERT INTO counted_event (machine, event_id, quarter) "
                + "VALUES (machine_key('bogus'), gen_random_uuid(), ?)", q);
    }

    private static String preview(Quarter quarter) {
        return given().auth().oauth2(TestApiKeys.admin())
                .when().get("/v1/admin/reports/" + quarter + "/preview").then().statusCode(200).extract().asString();
    }

    private static List<Map<String, Object>> contributions(Quarter quarter) {
        return TestDatabase.query("SELECT dimension, key, pseudonym, events FROM contribution WHERE quarter = ? "
                + "ORDER BY dimension, key, pseudonym", quarter.toString());
    }

    private static List<Map<String, Object>> counted(Quarter quarter) {
        return TestDatabase.query("SELECT encode(machine, 'hex') AS machine, event_id FROM counted_event "
                + "WHERE quarter = ? ORDER BY machine, event_id", quarter.toString());
    }

    /** "quarter dimension/key" -> [events, machines] */
    private static Map<String, List<Long>> rollups(Quarter... quarters) {
        Map<String, List<Long>> rollups = new TreeMap<>();
        for (Quarter quarter : quarters) {
            for (Map<String, Object> row : TestDatabase.query(
                    "SELECT dimension, key, events, machines FROM rollup WHERE quarter = ?", quarter.toString())) {
                rollups.put(quarter + " " + row.get("dimension") + "/" + row.get("key"),
                        List.of((Long) row.get("events"), (Long) row.get("machines")));
            }
        }
        return rollups;
    }

    /** One machine and its events leave the cell; a cell left empty has no row. */
    private static void subtract(Map<String, List<Long>> rollups, String cell, long events) {
        List<Long> was = rollups.get(cell);
        assertThat(was).as(cell + " before the erasure").isNotNull();
        List<Long> now = List.of(was.get(0) - events, was.get(1) - 1);
        if (now.equals(List.of(0L, 0L))) {
            rollups.remove(cell);
        } else {
            rollups.put(cell, now);
        }
    }

    /** 14 machines x 2 events, minus the erased machine's 2. */
    private static String awaitStable(Quarter quarter, long events) {
        Fleet.awaitEvents(quarter.toString(), events);
        await().atMost(Duration.ofSeconds(30)).until(() -> TestDatabase.count(
                "SELECT machines FROM rollup WHERE quarter = ? AND dimension = 'total'", quarter.toString()) == 13);
        return given().auth().oauth2(TestApiKeys.admin())
                .when().get("/v1/admin/reports/" + quarter + "/preview").then().extract().asString();
    }

}
