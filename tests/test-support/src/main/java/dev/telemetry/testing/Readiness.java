package dev.telemetry.testing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;

import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;

/**
 * The service's readiness as Kubernetes sees it ({@code /q/health/ready}), for tests that stop a dependency: a probe
 * that does not answer in time counts as "not ready", as the kubelet counts it.
 */
public final class Readiness {

    public static final String POSTGRES_CHECK = "checks.find { it.name.contains('PostgreSQL') }.status";
    public static final String KAFKA_CHECK = "checks.find { it.name.contains('Kafka') }.status";
    /** SmallRye Reactive Messaging's check: every channel, a consumer that gave up included. */
    public static final String CHANNELS_CHECK = "checks.find { it.name.contains('Messaging') }.status";

    /**
     * Longer than a Kafka client's 60 s API timeout ({@code default.api.timeout.ms}), after which a consumer that
     * treats a timeout as fatal gives up for good.
     */
    public static final Duration LONG_OUTAGE = Duration.ofSeconds(75);

    private Readiness() {
    }

    /** Waits until the service answers 200 and UP, PostgreSQL, Kafka and its channels each UP. */
    public static void awaitUp() {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .untilAsserted(() -> probe().then().statusCode(200).body("status", equalTo("UP"))
                        .body(POSTGRES_CHECK, equalTo("UP")).body(KAFKA_CHECK, equalTo("UP"))
                        .body(CHANNELS_CHECK, equalTo("UP")));
    }

    /** Waits until the service answers 503 and DOWN, naming {@code check} DOWN and {@code other} UP. */
    public static void awaitDown(String check, String other) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .untilAsserted(() -> probe().then().statusCode(503).body("status", equalTo("DOWN"))
                        .body(check, equalTo("DOWN")).body(other, equalTo("UP")));
    }

    /**
     * Asserts that the service stays not ready for {@code duration} (a dependency is still stopped): it must never
     * answer ready in between.
     */
    public static void assertNotReadyFor(Duration duration) {
        await().during(duration).atMost(duration.multipliedBy(3)).pollInterval(Duration.ofSeconds(5))
                .until(() -> !ready());
    }

    /** Ready as Kubernetes sees it: a 200 answer; one that does not come in time is not ready. */
    public static boolean ready() {
        try {
            return probe().statusCode() == 200;
        } catch (RuntimeException timedOut) {
            return false;
        }
    }

    /**
     * A check of a dependency that is down may wait for its client's timeout (the Kafka one about 30 s on a loaded
     * machine), longer than RestAssured's default read timeout in Quarkus tests.
     */
    private static Response probe() {
        return given().config(RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
                .setParam("http.socket.timeout", 90_000))).when().get("/q/health/ready");
    }
}
