package dev.telemetry.collector.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.telemetry.collector.CliMachine;
import dev.telemetry.testing.TestApiKeys;

@QuarkusTest
class GzipPushTest {

    @Test
    void fullGzipBatchOfFiveHundredEventsIsAccepted() throws Exception {
        CliMachine machine = CliMachine.create().optedIn(Instant.now().minus(Duration.ofHours(1))).awaitProjected();
        Instant earlier = Instant.now().minus(Duration.ofMinutes(30));
        String body = CliMachine
                .batch(Stream.generate(() -> machine.event("app_created", earlier)).limit(500).toList());
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write(body.getBytes(StandardCharsets.UTF_8));
        }

        given().auth().oauth2(TestApiKeys.ingest()).contentType("application/json").header("Content-Encoding", "gzip")
                .body(compressed.toByteArray())
                .when().post("/v1/events")
                .then().statusCode(200).body("accepted", equalTo(500));
    }

    @Test
    void validateAnswersLikeAPushButStoresNothing() {
        CliMachine machine = CliMachine.create().optedIn(Instant.now().minus(Duration.ofHours(1))).awaitProjected();
        var event = machine.event("stop", Instant.now().minus(Duration.ofMinutes(5)));

        given().auth().oauth2(TestApiKeys.ingest()).contentType("application/json")
                .body(CliMachine.batch(List.of(event)))
                .when().post("/v1/events/validate")
                .then().statusCode(200).body("accepted", equalTo(1));
        // Had it been stored, this would be a duplicate.
        CliMachine.push(List.of(event)).then().statusCode(200).body("accepted", equalTo(1));
    }
}
