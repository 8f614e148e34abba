package dev.telemetry.report.reporting;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import dev.telemetry.report.Fleet;
import dev.telemetry.report.quarter.Quarter;
import dev.telemetry.testing.TestApiKeys;
import dev.telemetry.testing.TestDatabase;

@QuarkusTest
class PublicationTest {

    private static final Quarter QUARTER = new Quarter(2025, 4);
    private static final Pattern DROPPED_AS_PUBLISHED = Pattern
            .compile("report_events_dropped_total\\{[^}]*reason=\"quarter_published\"[^}]*\\}\\s+(\\S+)");

    private static Response publish(String quarter) {
        return given().auth().oauth2(TestApiKeys.admin()).when().post("/v1/admin/reports/" + quarter + "/publish");
    }

    @Test
    void publishedReportIsFrozenAndServedAsTheSameBytesInJsonCsvAndHtml() {
        Fleet fleet = new Fleet();
        for (int i = 0; i < 12; i++) {
            Fleet.Machine machine = fleet.machine(i < 11 ? "linux" : "darwin", "1.0.0");
            fleet.optIn(machine, QUARTER.start().minus(Duration.ofDays(3)));
            fleet.use(machine, "start_begin", Map.of(), QUARTER.start().plus(Duration.ofDays(i + 1)), true);
            fleet.use(machine, "start_end", Map.of(), QUARTER.start().plus(Duration.ofDays(i + 1)).plusSeconds(600),
                    true);
        }
        Fleet.awaitEvents(QUARTER.toString(), 24);

        Response first = publish(QUARTER.toString());
        first.then().statusCode(200).body("status", equalTo("published")).body("events.value", equalTo(24));
        String published = first.asString();

        assertThat(TestDatabase.count("SELECT count(*) FROM contribution WHERE quarter = ?", QUARTER.toString()))
                .as("per-machine contributions kept after publication").isZero();
        assertThat(TestDatabase.count("SELECT count(*) FROM counted_event WHERE quarter = ?", QUARTER.toString()))
                .as("counted event ids kept after publication").isZero();
        List<Map<String, Object>> rollups = rollups(QUARTER);
        double droppedBefore = droppedAsPublished();

        // Late data for the published quarter, from a machine whose consent covers it: only publication stops it.
        Fleet.Machine late = fleet.machine("linux", "1.0.0");
        fleet.optIn(late, QUARTER.start().minus(Duration.ofDays(3)));
        fleet.use(late, "stop", Map.of(), QUARTER.end().minusSeconds(3600), false);
        Fleet.awaitUsageConsumed();

        assertThat(droppedAsPublished()).as("late event dropped as quarter_published").isEqualTo(droppedBefore + 1);
        assertThat(rollups(QUARTER)).as("rollups of the published quarter").isEqualTo(rollups);
        assertThat(
                TestDatabase.count("SELECT count(*) FROM counted_event WHERE machine = machine_key(?)", late.pseudonym))
                .isZero();
        assertThat(publish(QUARTER.toString()).asString()).as("publishing twice").isEqualTo(published);
        Response served = given().when().get("/v1/reports/" + QUARTER);
        served.then().statusCode(200)
                .header("Cache-Control", equalTo("public, max-age=31536000, immutable"));
        assertThat(served.asString()).isEqualTo(published);
        String etag = served.header("ETag");
        assertThat(etag).startsWith("\"").doesNotStartWith("W/");
        given().header("If-None-Match", etag).when().get("/v1/reports/" + QUARTER).then().statusCode(304);

        JsonPath json = new JsonPath(published);
        String csv = given().accept("text/csv").when().get("/v1/reports/" + QUARTER).then().statusCode(200)
                .contentType(equalTo("text/csv;charset=UTF-8")).extract().asString();
        assertThat(given().when().get("/v1/reports/" + QUARTER + "?format=csv").asString()).isEqualTo(csv);
        assertThat(csv).contains("\"machines\",\"active\",," + json.getLong("machines.active.value") + ",false\r\n")
                .contains("\"events\",\"total\"," + json.getLong("events.value") + ",,false\r\n")
                .contains("\"kind\",\"start_begin\",12,12,false\r\n")
                .contains("\"start_success_rate\",\"rate\",1.0000,,false\r\n");
        String html = given().when().get("/reports/" + QUARTER).then().statusCode(200)
                .contentType(equalTo("text/html;charset=UTF-8")).extract().asString();
        assertThat(html).contains("<svg").contains(">12<").contains(">24<").doesNotContain("<script")
                .doesNotContain("http://").doesNotContain("https://");
        assertThat(html).containsPattern("<td>darwin</td><td class=\"suppressed\"");
    }

    private static List<Map<String, Object>> rollups(Quarter quarter) {
        return TestDatabase.query("SELECT dimension, key, events, machines FROM rollup WHERE quarter = ? "
                + "ORDER BY dimension, key", quarter.toString());
    }

    private static double droppedAsPublished() {
        return given().when().get("/q/metrics").asString().lines()
                .map(DROPPED_AS_PUBLISHED::matcher).filter(Matcher::matches)
                .mapToDouble(m -> Double.parseDouble(m.group(1))).sum();
    }

    @Test
    void reportListAndIndexShowPublishedQuarters() {
        Quarter quarter = new Quarter(2024, 1);
        publish(quarter.toString()).then().statusCode(200);

        List<String> quarters = given().when().get("/v1/reports").then().statusCode(200).extract().path("quarter");
        assertThat(quarters).contains("2024-Q1");
        assertThat(quarters).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(given().when().get("/").then().statusCode(200).extract().asString())
                .contains("href=\"/reports/2024-Q1\"");
    }

    @Test
    void unpublishedMalformedAndOpenQuartersAreRefused() {
        given().when().get("/v1/reports/2023-Q2").then().statusCode(404)
                .body("type", equalTo("urn:telemetry:problem:report-not-found"));
        given().when().get("/v1/reports/2023-Q7").then().statusCode(400)
                .body("type", equalTo("urn:telemetry:problem:invalid-quarter"));
        given().when().get("/reports/latest").then().statusCode(400);
        publish(Quarter.of(Instant.now()).toString()).then().statusCode(409)
                .body("type", equalTo("urn:telemetry:problem:quarter-not-ended"));
        given().auth().oauth2(TestApiKeys.ingest()).when().post("/v1/admin/reports/2023-Q2/publish").then()
                .statusCode(403);
        given().when().post("/v1/admin/reports/2023-Q2/publish").then().statusCode(401);
    }
}
