package dev.telemetry.report.reporting;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

import dev.telemetry.report.Fleet;
import dev.telemetry.report.quarter.Quarter;
import dev.telemetry.testing.TestApiKeys;

/**
 * The counting rule against fake machines: a machine counts in a quarter's usage figures only if it was active on
 * at least two distinct days and sent an event at least a day after its opt-in. k is 1 here so that every figure
 * is shown.
 */
@QuarkusTest
@TestProfile(WhichMachinesCountTest.TwoDaysAndADay.class)
class WhichMachinesCountTest {

    private static final Quarter QUARTER = new Quarter(2017, 2);
    private static final Duration DAY = Duration.ofDays(1);

    public static class TwoDaysAndADay implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("report.counting.minimum-active-days", "2", "report.counting.minimum-consent-age", "24h",
                    "report.minimum-cell-machines", "1");
        }
    }

    @Test
    void onlyMachinesActiveOnTwoDaysAndPastTheirFirstDayOfConsentCount() {
        Fleet fleet = new Fleet();
        Instant start = QUARTER.start();
        // Counts: two days, the second well past a day after opting in.
        Fleet.Machine regular = fleet.machine("linux", "1.0.0");
        fleet.optIn(regular, start.plus(DAY));
        fleet.use(regular, "start_begin", Map.of(), start.plus(DAY.multipliedBy(3)), true);
        fleet.use(regular, "stop", Map.of(), start.plus(DAY.multipliedBy(5)), true);
        // Does not count: active on one day only.
        Fleet.Machine once = fleet.machine("windows", "9.0.0");
        fleet.optIn(once, start.plus(DAY));
        fleet.use(once, "start_begin", Map.of(), start.plus(DAY.multipliedBy(3)), true);
        fleet.use(once, "error", Map.of("code", "timeout", "command", "start"),
                start.plus(DAY.multipliedBy(3)).plusSeconds(60), true);
        // Does not count: two days, but everything within a day of opting in (what a fresh fake machine does).
        Fleet.Machine fresh = fleet.machine("darwin", "9.0.0");
        Instant freshOptIn = start.plus(DAY.multipliedBy(10)).plus(Duration.ofHours(22));
        fleet.optIn(fresh, freshOptIn);
        fleet.use(fresh, "start_begin", Map.of(), freshOptIn.plus(Duration.ofMinutes(30)), true);
        fleet.use(fresh, "stop", Map.of(), freshOptIn.plus(Duration.ofHours(3)), true);
        // Counts: first day within a day of opting in, second day after.
        Fleet.Machine patient = fleet.machine("linux", "1.0.0");
        fleet.optIn(patient, start.plus(DAY.multipliedBy(20)));
        fleet.use(patient, "start_begin", Map.of(), start.plus(DAY.multipliedBy(20)).plusSeconds(3600), true);
        fleet.use(patient, "start_end", Map.of(), start.plus(DAY.multipliedBy(22)), true);

        JsonPath preview = Fleet.awaitEvents(QUARTER.toString(), 8);

        assertThat(preview.getLong("machines.active.value")).isEqualTo(2);
        assertThat(preview.getLong("events.value")).isEqualTo(4);
        assertThat(preview.getLong("machines.optedIn.value")).as("opt-ins count every machine").isEqualTo(4);
        assertThat(preview.getList("byOs.key", String.class)).containsExactly("linux");
        assertThat(preview.getList("topBuilds.key", String.class)).containsExactly("1.0.0");
        assertThat(preview.getList("errorsByCode", Object.class)).isEmpty();
        assertThat(preview.getMap("eventsByKind.find { it.key == 'start_begin' }")).containsEntry("events", 2)
                .containsEntry("machines", 2);
        assertThat(preview.getDouble("startSuccessRate.value")).isEqualTo(0.5);

        String published = given().auth().oauth2(TestApiKeys.admin()).when()
                .post("/v1/admin/reports/" + QUARTER + "/publish").then().statusCode(200).extract().asString();
        JsonPath report = new JsonPath(published);
        assertThat(report.getLong("machines.active.value")).isEqualTo(2);
        String counting = report.getString("methodology.counting");
        assertThat(counting).contains("at least 2 distinct UTC days").contains("at least 1 day after it opted in");
        assertThat(given().when().get("/reports/" + QUARTER).then().statusCode(200).extract().asString())
                .contains("Which machines count: " + counting.replace("'", "&#39;"));
    }
}
