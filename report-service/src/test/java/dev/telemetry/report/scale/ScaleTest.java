package dev.telemetry.report.scale;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;

import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.consent.ConsentGrantedMessage;
import dev.telemetry.contract.consent.ErasureRequestedMessage;
import dev.telemetry.contract.usage.UsageEvent;
import dev.telemetry.report.Fleet;
import dev.telemetry.report.quarter.Quarter;
import dev.telemetry.testing.TestApiKeys;
import dev.telemetry.testing.TestDatabase;
import dev.telemetry.testing.TopicReader;

/**
 * The scale tier: half a million usage events (and their machines' consent) written straight to the topics, as the
 * collector and consent-service would have, counted by one consumer per partition side by side. A tenth of the
 * machines is erased while their partitions are being counted. Live counting and a rebuild must both give the truth
 * computed here. A per-event or per-machine algorithm (a chain of one step per event, the log held in memory) fails
 * at this size. The figures it prints are for reading, not asserted: this machine is shared.
 */
@QuarkusTest
class ScaleTest {

    private static final Quarter QUARTER = new Quarter(2024, 2);
    private static final int MACHINES = 2_000;
    private static final int EVENTS_PER_MACHINE = 250;
    private static final int STRANGERS = 100;
    /** Every tenth machine (number ending in 5), so that the batches counted when the erasures arrive hold some. */
    private static final int ERASED_EVERY = 10;
    private static final List<String> KINDS = List.of("start_begin", "start_end", "app_created", "route_mapped",
            "error");
    private static final List<String> OSES = List.of("linux", "darwin", "windows");

    /** "dimension/key" -> events, and the machines counted in it. */
    private final Map<String, Long> events = new TreeMap<>();
    private final Map<String, Set<String>> machines = new HashMap<>();

    @Test
    void halfAMillionEventsAreCountedExactlyAndARebuildGivesTheSameAggregates() throws Exception {
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (KafkaProducer<String, String> producer = producer()) {
            for (int m = 0; m < MACHINES; m++) {
                producer.send(new ProducerRecord<>(Topics.CONSENT, pseudonym(run, m),
                        IntegrationJson.write(new ConsentGrantedMessage(UUID.randomUUID(), pseudonym(run, m), 1,
                                QUARTER.start().minus(Duration.ofDays(1)), os(m), build(m), "prompt"))));
            }
            producer.flush();
            TopicReader.consentWatermark(Instant.now());
            await().atMost(Duration.ofMinutes(2)).until(() -> TestDatabase.count(
                    "SELECT count(*) FROM machine_consent WHERE pseudonym LIKE ?", run + "%") == MACHINES);

            long start = System.nanoTime();
            AtomicReference<Exception> failed = new AtomicReference<>();
            for (int m = 0; m < MACHINES + STRANGERS; m++) {
                for (int e = 0; e < EVENTS_PER_MACHINE; e++) {
                    UsageEvent event = event(run, m, e);
                    String json = IntegrationJson.write(event);
                    producer.send(new ProducerRecord<>(Topics.USAGE, event.pseudonym(), json), (meta, error) -> {
                        if (error != null) {
                            failed.set(error);
                        }
                    });
                    if (e % 50 == 0) { // a collector retry: the same event again
                        producer.send(new ProducerRecord<>(Topics.USAGE, event.pseudonym(), json));
                    }
                    if (m < MACHINES && !erased(m)) {
                        truth(event);
                    }
                }
            }
            producer.flush();
            assertThat(failed.get()).isNull();
            double written = (System.nanoTime() - start) / 1e9;
            eraseWhileCounting(producer, run);
            Fleet.awaitUsageConsumed(Duration.ofMinutes(5));
            double drained = (System.nanoTime() - start) / 1e9;
            long total = (long) MACHINES * EVENTS_PER_MACHINE;
            System.out.printf("scale: %d events written in %.1f s; all consumed after %.1f s (~%.0f events/s)%n",
                    total, written, drained, total / drained);
        }

        assertThat(rollups()).as("live counting").isEqualTo(truth());
        assertThat(TestDatabase.count("SELECT count(*) FROM counted_event WHERE quarter = ?", QUARTER.toString()))
                .isEqualTo(countedEvents());
        // The erased machines are those whose number ends in 5.
        assertThat(TestDatabase.count("SELECT count(*) FROM contribution WHERE pseudonym LIKE ?", run + "%5"))
                .as("contributions of erased machines").isZero();
        List<Map<String, Object>> contributions = contributions();

        long start = System.nanoTime();
        // The request waits for the whole rebuild: longer than the tests' default read timeout.
        RestAssuredConfig patient = RestAssuredConfig.config()
                .httpClient(HttpClientConfig.httpClientConfig().setParam("http.socket.timeout", 600_000));
        CompletableFuture<Response> rebuild = CompletableFuture.supplyAsync(() -> given().config(patient).auth()
                .oauth2(TestApiKeys.admin()).when().post("/v1/admin/aggregates/rebuild").andReturn());
        await().atMost(Duration.ofMinutes(1)).until(() -> "running".equals(given().auth().oauth2(TestApiKeys.admin())
                .when().get("/v1/admin/aggregates/rebuild").then().statusCode(200).extract().path("state")));
        given().auth().oauth2(TestApiKeys.admin()).when().post("/v1/admin/aggregates/rebuild").then()
                .statusCode(409).body("type", equalTo("urn:telemetry:problem:rebuild-running"));
        Response rebuilt = rebuild.get();
        assertThat(rebuilt.statusCode()).as(rebuilt.asString()).isEqualTo(200);
        System.out.printf("scale: rebuild of %s events read took %.1f s%n", rebuilt.path("eventsRead").toString(),
                (System.nanoTime() - start) / 1e9);

        assertThat(rollups()).as("after the rebuild").isEqualTo(truth());
        assertThat(contributions()).as("contributions after the rebuild").isEqualTo(contributions);
        assertThat(TestDatabase.count("SELECT count(*) FROM counted_event WHERE quarter = ?", QUARTER.toString()))
                .isEqualTo(countedEvents());
    }

    /**
     * Once a quarter of the events is counted, erases every {@link #ERASED_EVERY}th machine (an exclusive turn on
     * the aggregate lock among the counting batches) and waits for the confirmations.
     */
    private static void eraseWhileCounting(KafkaProducer<String, String> producer, String run) {
        long quarterOfAll = (long) MACHINES * EVENTS_PER_MACHINE / 4;
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM counted_event WHERE quarter = ?", QUARTER.toString()) >= quarterOfAll);
        Set<String> erased = new HashSet<>();
        for (int m = 0; m < MACHINES; m++) {
            if (erased(m)) {
                producer.send(new ProducerRecord<>(Topics.CONSENT, pseudonym(run, m), IntegrationJson.write(
                        new ErasureRequestedMessage(UUID.randomUUID(), pseudonym(run, m), 2, Instant.now(),
                                UUID.randomUUID()))));
                erased.add(pseudonym(run, m));
            }
        }
        producer.flush();
        TopicReader.readUntil(Topics.ERASURES, confirmations -> confirmations.stream().map(r -> r.key())
                .filter(erased::contains).distinct().count() == erased.size(), Duration.ofMinutes(2));
    }

    private static boolean erased(int machine) {
        return machine % ERASED_EVERY == ERASED_EVERY / 2;
    }

    private static long countedEvents() {
        return (long) (MACHINES - MACHINES / ERASED_EVERY) * EVENTS_PER_MACHINE;
    }

    /** Machines from {@link #MACHINES} on never opted in: their events must not count. */
    private static UsageEvent event(String run, int machine, int n) {
        Instant at = QUARTER.start().plus(Duration.ofHours(machine % 2000)).plusSeconds(60L * n);
        String kind = KINDS.get(n % KINDS.size());
        Map<String, Object> data = kind.equals("error")
                ? Map.of("code", n % 3 == 0 ? "timeout" : "vm_start_failed")
                : Map.of();
        return new UsageEvent(UUID.randomUUID(), pseudonym(run, machine), at, kind, os(machine), build(machine), data,
                at.plusSeconds(30), "cf-dev@1");
    }

    private void truth(UsageEvent event) {
        count("total/events", event);
        count("kind/" + event.event(), event);
        count("os/" + event.os(), event);
        count("build/" + event.build(), event);
        if (event.data().containsKey("code")) {
            count("error_code/" + event.data().get("code"), event);
        }
        // The counting rule's cells (with this profile's minimum consent age of 0, every counted event is settled).
        count("day/" + event.occurredAt().toString().substring(0, 10), event);
        count("settled/events", event);
    }

    private void count(String cell, UsageEvent event) {
        events.merge(cell, 1L, Long::sum);
        machines.computeIfAbsent(cell, c -> new HashSet<>()).add(event.pseudonym());
    }

    private Map<String, List<Long>> truth() {
        Map<String, List<Long>> truth = new TreeMap<>();
        events.forEach((cell, n) -> truth.put(cell, List.of(n, (long) machines.get(cell).size())));
        return truth;
    }

    private static Map<String, List<Long>> rollups() {
        Map<String, List<Long>> rollups = new TreeMap<>();
        TestDatabase.query("SELECT dimension, key, events, machines FROM rollup WHERE quarter = ?", QUARTER.toString())
                .forEach(row -> rollups.put(row.get("dimension") + "/" + row.get("key"),
                        List.of((Long) row.get("events"), (Long) row.get("machines"))));
        return rollups;
    }

    private static List<Map<String, Object>> contributions() {
        return TestDatabase.query("SELECT dimension, key, count(*) AS machines, sum(events) AS events "
                + "FROM contribution WHERE quarter = ? GROUP BY dimension, key ORDER BY dimension, key",
                QUARTER.toString());
    }

    private static String pseudonym(String run, int machine) {
        return run + String.format("%052d", machine);
    }

    private static String os(int machine) {
        return OSES.get(machine % OSES.size());
    }

    private static String build(int machine) {
        return "1." + machine % 12 + ".0";
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024),
                new StringSerializer(), new StringSerializer());
    }
}
