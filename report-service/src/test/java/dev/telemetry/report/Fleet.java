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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.path.json.JsonPath;

import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.consent.ConsentGrantedMessage;
import dev.telemetry.contract.consent.ConsentWithdrawnMessage;
import dev.telemetry.contract.consent.ErasureRequestedMessage;
import dev.telemetry.contract.usage.UsageEvent;
import dev.telemetry.report.quarter.Quarter;
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

    /** The quarter of the sentinel events {@link #awaitUsageConsumed} sends. */
    public static final Quarter SENTINEL_QUARTER = new Quarter(2000, 1);
    private static final AtomicLong SENTINELS = new AtomicLong();
    private static KafkaProducer<String, String> producer;
    private static Machine sentinel;

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
        send(new ProducerRecord<>(topic, key, value));
    }

    /** One producer for every test of the JVM (a new producer per record is slow); each send waits for its ack. */
    private static synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
        }
        return producer;
    }

    private static void send(ProducerRecord<String, String> record) {
        try {
            producer().send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not send to " + record.topic(), e.getCause());
        }
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
        // One wait and one query a poll for them all: each wait sleeps a poll interval before its first look.
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            TestDatabase.query("SELECT pseudonym, version FROM machine_consent WHERE pseudonym = ANY(?::text[])",
                    "{" + String.join(",", unsettled.keySet()) + "}").forEach(row -> {
                        long applied = ((Number) row.get("version")).longValue();
                        unsettled.computeIfPresent((String) row.get("pseudonym"),
                                (pseudonym, needed) -> applied >= needed ? null : needed);
                    });
            return unsettled.isEmpty();
        });
    }

    public static JsonPath preview(String quarter) {
        return given().auth().oauth2(TestApiKeys.admin()).when().get("/v1/admin/reports/" + quarter + "/preview")
                .then().statusCode(200).extract().jsonPath();
    }

    /**
     * Waits until everything sent to the usage topic so far has been consumed, then checks that the quarter's rollup
     * counts exactly {@code events} events (read directly: small totals are suppressed). Waiting for the count itself
     * would let an over-count pass on its way through {@code events}.
     */
    public static JsonPath awaitEvents(String quarter, long events) {
        awaitUsageConsumed();
        long counted = TestDatabase.count(
                "SELECT coalesce(sum(events), 0) FROM rollup WHERE quarter = ? AND dimension = 'total'", quarter);
        if (counted != events) {
            String dropped = given().when().get("/q/metrics").asString().lines()
                    .filter(line -> line.startsWith("report_events_dropped")).collect(Collectors.joining("\n"));
            throw new AssertionError("expected " + events + " events in " + quarter + ", counted " + counted
                    + "; preview:\n" + preview(quarter).prettify() + "\ndropped:\n" + dropped);
        }
        return preview(quarter);
    }

    /**
     * Sends a sentinel event to every partition of the usage topic and waits until each is counted. A partition is
     * consumed in order, so everything sent to the topic before has then been consumed (counted or dropped).
     */
    public static void awaitUsageConsumed() {
        awaitUsageConsumed(Duration.ofSeconds(120));
    }

    public static void awaitUsageConsumed(Duration timeout) {
        Machine sentinel = sentinel();
        int partitions = producer().partitionsFor(Topics.USAGE).size();
        List<String> ids = new ArrayList<>();
        for (int partition = 0; partition < partitions; partition++) {
            Instant at = SENTINEL_QUARTER.start().plus(Duration.ofDays(1)).plusMillis(SENTINELS.incrementAndGet());
            UsageEvent event = new UsageEvent(UUID.randomUUID(), sentinel.pseudonym, at, "stop", sentinel.os,
                    sentinel.build, Map.of(), at.plusSeconds(30), "cf-dev@1");
            send(new ProducerRecord<>(Topics.USAGE, partition, sentinel.pseudonym, IntegrationJson.write(event)));
            ids.add("'" + event.eventId() + "'");
        }
        String counted = "SELECT count(*) FROM counted_event WHERE machine = machine_key(?) AND event_id IN ("
                + String.join(", ", ids) + ")";
        await().atMost(timeout)
                .until(() -> TestDatabase.count(counted, sentinel.pseudonym) == partitions);
    }

    /** The sentinels' machine: opted in, and its events fall into a quarter no test looks at or publishes. */
    private static synchronized Machine sentinel() {
        if (sentinel == null) {
            Fleet fleet = new Fleet();
            Machine machine = fleet.machine("linux", "sentinel");
            fleet.optIn(machine, SENTINEL_QUARTER.start());
            fleet.settleConsent();
            sentinel = machine;
        }
        return sentinel;
    }
}
