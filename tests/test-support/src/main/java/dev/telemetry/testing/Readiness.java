package dev.telemetry.testing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;

import dev.telemetry.infra.LocalKafka;

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
     * The Kafka clients' API timeout ({@code default.api.timeout.ms}) in {@link ShortKafkaTimeouts}: a twelfth of the
     * client's 60 s default, so that an outage longer than it takes seconds, not minutes, to reproduce what a longer
     * one does in production.
     */
    public static final Duration KAFKA_API_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Well past {@link #KAFKA_API_TIMEOUT}, after which a consumer that treats a timeout as fatal (the committed
     * offset it asks for before a partition's first record) gives up for good.
     */
    public static final Duration LONG_OUTAGE = KAFKA_API_TIMEOUT.multipliedBy(2);

    private Readiness() {
    }

    /**
     * The readiness tests' own application (consumers no other test class used), whose Kafka clients (consumers and
     * the health check's admin client, from the shared {@code kafka.} configuration) time out after
     * {@link #KAFKA_API_TIMEOUT}.
     */
    public static class ShortKafkaTimeouts implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kafka.default.api.timeout.ms", Long.toString(KAFKA_API_TIMEOUT.toMillis()));
        }
    }

    /** Waits until the service answers 200 and UP, PostgreSQL, Kafka and its channels each UP. */
    public static void awaitUp() {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .untilAsserted(() -> probe().then().statusCode(200).body("status", equalTo("UP"))
                        .body(POSTGRES_CHECK, equalTo("UP")).body(KAFKA_CHECK, equalTo("UP"))
                        .body(CHANNELS_CHECK, equalTo("UP")));
    }

    /**
     * Stops the test broker for {@link #LONG_OUTAGE}: the service must report DOWN naming Kafka (PostgreSQL UP) and
     * stay not ready throughout. The broker is started again however that ends.
     */
    public static void assertDownWhileKafkaIsStopped() throws Exception {
        LocalKafka kafka = RealInfrastructure.kafka();
        kafka.stop();
        try {
            awaitDown(KAFKA_CHECK, POSTGRES_CHECK);
            assertNotReadyFor(LONG_OUTAGE);
        } finally {
            kafka.restart();
        }
    }

    /** Stops the test database: the service must report DOWN naming PostgreSQL (Kafka UP); then restarts it. */
    public static void assertDownWhilePostgresIsStopped() {
        try (PostgresOutage outage = PostgresOutage.begin()) {
            awaitDown(POSTGRES_CHECK, KAFKA_CHECK);
        }
    }

    /** Waits until the service answers 503 and DOWN, naming {@code check} DOWN and {@code other} UP. */
    public static void awaitDown(String check, String other) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .untilAsserted(() -> probe().then().statusCode(503).body("status", equalTo("DOWN"))
                        .body(check, equalTo("DOWN")).body(other, equalTo("UP")));
    }

    /**
     * Asserts that the service stays not ready for {@code duration} (a dependency is still stopped): it must never
     * answer ready in between. Probed again a second after each answer (one that waits for a client's timeout takes
     * that long itself).
     */
    public static void assertNotReadyFor(Duration duration) {
        await().during(duration).atMost(duration.multipliedBy(3)).pollInterval(Duration.ofSeconds(1))
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
     * A check of a dependency that is down may wait for its client's timeout (the Kafka one: its API timeout, 60 s
     * unless {@link ShortKafkaTimeouts}), longer than RestAssured's default read timeout in Quarkus tests.
     */
    private static Response probe() {
        return given().config(RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
                .setParam("http.socket.timeout", 90_000))).when().get("/q/health/ready");
    }
}
