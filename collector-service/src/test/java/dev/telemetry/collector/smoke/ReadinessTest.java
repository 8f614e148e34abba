package dev.telemetry.collector.smoke;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;

import dev.telemetry.collector.CliMachine;
import dev.telemetry.testing.PostgresOutage;

/**
 * Readiness tells Kubernetes the truth: DOWN, naming the dependency, while the database is really stopped, and UP
 * again once it is back, without a restart of the service. The same test for the broker found that after an outage
 * of more than about a minute the consent projection's consumer fails for good (consent-in "[KO]") and readiness
 * never comes back; it returns here with the fix (see the notes of issue 17).
 */
@QuarkusTest
class ReadinessTest {

    private static final String POSTGRES_CHECK = "checks.find { it.name.contains('PostgreSQL') }.status";
    private static final String KAFKA_CHECK = "checks.find { it.name.contains('Kafka') }.status";

    @Test
    void readinessIsDownWhilePostgresIsStoppedAndUpAgainAfter() {
        awaitReadiness(200, "UP");

        try (PostgresOutage outage = PostgresOutage.begin()) {
            awaitReadiness(503, "DOWN", POSTGRES_CHECK, "DOWN", KAFKA_CHECK, "UP");
        }

        awaitReadiness(200, "UP", POSTGRES_CHECK, "UP", KAFKA_CHECK, "UP");
        // The service works again: its consent view is written and read from the restarted database.
        CliMachine.create().optedIn(Instant.now().minus(Duration.ofHours(1))).awaitProjected();
    }

    private static void awaitReadiness(int status, String state) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .untilAsserted(() -> probe().then().statusCode(status)
                        .body("status", equalTo(state)));
    }

    /**
     * A check of a dependency that is down may wait for its client's timeout (the Kafka one about 30 s on a loaded
     * machine), longer than RestAssured's default read timeout in Quarkus tests.
     */
    private static io.restassured.response.Response probe() {
        return given().config(RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
                .setParam("http.socket.timeout", 90_000))).when().get("/q/health/ready");
    }

    /** A probe that times out while a dependency is down counts as "not yet", like Kubernetes counts it. */
    private static void awaitReadiness(int status, String state, String check, String checkState, String other,
            String otherState) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .untilAsserted(() -> probe().then().statusCode(status)
                        .body("status", equalTo(state)).body(check, equalTo(checkState))
                        .body(other, equalTo(otherState)));
    }
}
