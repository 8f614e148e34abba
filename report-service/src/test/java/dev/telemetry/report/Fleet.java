package dev.telemetry.report;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import io.restassured.path.json.JsonPath;

import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.consent.ConsentGrantedMessage;
import dev.telemetry.contract.consent.ConsentWithdrawnMessage;
import dev.telemetry.contract.consent.ErasureRequestedMessage;
import dev.telemetry.contract.usage.UsageEvent;
import dev.telemetry.testing.TestApiKeys;
import dev.telemetry.testing.TestDatabase;
import dev.telemetry.testing.TopicReader;

/**
 * Simulated machines writing to the topics exactly as consent-service and collector-service do, plus the ground truth
 * of what was sent, so tests can compare reports with numbers computed independently of the service.
 */
public final class Fleet {

    /** A usage event as sent, for the ground truth. */
    public record Sent(String pseudonym, String kind, String os, String build, String errorCode, boolean counts) {
    }

    public final List<Sent> sent = new ArrayList<>();
    /** Machines with consent events the report service may not have applied yet. */
    private final Map<String, Long> unsettled = new java.util.HashMap<>();

    public static final class Machine {
        public final String pseudonym;
        public final String os;
        public final String build;
        private long version;

        Machine(String os, String build) {
            try {
                this.pseudonym = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            this.os = os;
            this.build = build;
        }
    }

    public Machine machine(String os, String build) {
        return new Machine(os, build);
    }

    public void optIn(Machine machine, Instant at) {
        consent(machine, IntegrationJson.write(new ConsentGrantedMessage(UUID.randomUUID(), machine.pseudonym,
                ++machine.version, at, machine.os, machine.build, "prompt")));
    }

    public void optOut(Machine machine, Instant at) {
        consent(machine, IntegrationJson.write(new ConsentWithdrawnMessage(UUID.randomUUID(), machine.pseudonym,
                ++machine.version, at, machine.os, machine.build, "toggle")));
    }

    public UUID erase(Machine machine, Instant at) {
        UUID receipt = UUID.randomUUID();
        consent(machine, IntegrationJson.write(new ErasureRequestedMessage(UUID.randomUUID(), machine.pseudonym,
                ++machine.version, at, receipt)));
        return receipt;
    }

    /**
     * Sends a usage event as the collector would have; {@code counts} is what the test expects (false for events
     * outside consent, which the report must drop).
     */
    public UsageEvent use(Machine machine, String kind, Map<String, Object> data, Instant at, boolean counts) {
        settleConsent();
        UsageEvent event = new UsageEvent(UUID.randomUUID(), machine.pseudonym, at, kind, machine.os, machine.build,
                data, at.plusSeconds(30), "cf-dev@1");
        resend(event);
        sent.add(new Sent(machine.pseudonym, kind, machine.os, machine.build,
                data.containsKey("code") ? data.get("code").toString() : null, counts));
        return event;
    }

    /** Sends the same event again (a collector retry or a Kafka redelivery). */
    public void resend(UsageEvent event) {
        send(Topics.USAGE, event.pseudonym(), IntegrationJson.write(event));
    }

    private void send(String topic, String key, String value) {
        TopicReader.send(topic, key, value);
    }

    private void consent(Machine machine, String value) {
        send(Topics.CONSENT, machine.pseudonym, value);
        unsettled.put(machine.pseudonym, machine.version);
    }

    /**
     * As in production, a machine's consent is on the topic (and past a watermark) before its events are: waits
     * until the report service has applied every consent event sent so far.
     */
    public void settleConsent() {
        if (unsettled.isEmpty()) {
            return;
        }
        TopicReader.consentWatermark(Instant.now());
        unsettled.forEach((pseudonym, version) -> await().atMost(Duration.ofSeconds(60)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM machine_consent WHERE pseudonym = ? AND version >= ?", pseudonym, version) == 1));
        unsettled.clear();
    }

    public static JsonPath preview(String quarter) {
        return given().auth().oauth2(TestApiKeys.admin()).when().get("/v1/admin/reports/" + quarter + "/preview")
                .then().statusCode(200).extract().jsonPath();
    }

    /** Waits until the preview's total event count is {@code events} (so everything sent has been consumed). */
    /** Waits until the quarter's rollup counts {@code events} events (read directly: small totals are suppressed). */
    public static JsonPath awaitEvents(String quarter, long events) {
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> TestDatabase.count(
                    "SELECT coalesce(sum(events), 0) FROM rollup WHERE quarter = ? AND dimension = 'total'",
                    quarter) == events);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String dropped = given().when().get("/q/metrics").asString().lines()
                    .filter(line -> line.startsWith("report_events_dropped")).collect(Collectors.joining("\n"));
            throw new AssertionError("expected " + events + " events in " + quarter + "; preview:\n"
                    + preview(quarter).prettify() + "\ndropped:\n" + dropped, e);
        }
        return preview(quarter);
    }
}
