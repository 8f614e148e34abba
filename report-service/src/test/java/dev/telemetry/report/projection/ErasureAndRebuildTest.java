package dev.telemetry.report.projection;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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

        UUID receipt = fleet.erase(erased, quarter.end().plus(Duration.ofDays(1)));
        fleet.settleConsent();

        Fleet.awaitEvents(quarter.toString(), 1);
        assertThat(TestDatabase.dumpAllTables()).doesNotContain(erased.pseudonym + "\",\"dimension")
                .doesNotContain("\"pseudonym\":\"" + erased.pseudonym + "\",\"event_id");
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

        Map<String, Object> result = given().auth().oauth2(TestApiKeys.admin())
                .when().post("/v1/admin/aggregates/rebuild").then().statusCode(200).extract().as(Map.class);

        assertThat(((Number) result.get("eventsRead")).longValue()).isGreaterThanOrEqualTo(29);
        String after = given().auth().oauth2(TestApiKeys.admin())
                .when().get("/v1/admin/reports/" + quarter + "/preview").then().statusCode(200).extract().asString();
        assertThat(after).isEqualTo(before);
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
