package dev.telemetry.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import dev.telemetry.contract.Topics;
import dev.telemetry.launcher.Suite;

/**
 * More than one machine: two collector-services and two report-services share the topics, the consumer groups and
 * the databases, as two replicas of each behind Kubernetes services would. Kafka divides the partitions between the
 * members of each group, so both instances of each service work. CLIs push to either collector, and a batch is sent
 * again to the other collector (a client retrying behind a load balancer, which the first one's duplicate cache does
 * not cover). Every consent decision must be applied for both collectors, and both report-services must show every
 * accepted event exactly once.
 */
class ReplicasIT {

    private static final Path HOME = Path.of("target", "replicas-suite").toAbsolutePath();
    private static final int OPTED_IN = 20;
    private static final int DECLINED = 6;
    private static final int TURNED_OFF = 4;
    /**
     * The services' CONSENT_CLOCK_SKEW, a twelfth of the 2-minute default: a refusal after an opt-out comes twice the
     * skew after it (below), so the run waits seconds, not minutes, for the same rule.
     */
    private static final Duration SKEW = Duration.ofSeconds(10);
    /**
     * How long before now a refused event is dated beyond the skew: more than consent-service's watermarks lag
     * (one a second while idle) before the collectors know the log complete.
     */
    private static final Duration WATERMARK_LAG = Duration.ofSeconds(5);
    private static final List<String> GROUPS = List.of("collector-service.consent", "report-service.usage",
            "report-service.consent");

    private static Suite suite;

    @BeforeAll
    static void clean() throws IOException {
        if (Files.exists(HOME)) {
            try (Stream<Path> paths = Files.walk(HOME)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    @AfterAll
    static void stop() {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void twoCollectorsAndTwoReportServicesApplyEveryDecisionAndCountEveryEventOnce() throws Exception {
        // Ten days before the end of next quarter, as in SuiteEndToEndIT: no run depends on the date.
        ZonedDateTime quarterStart = quarterStart(Instant.now()).plusMonths(3);
        String quarter = quarterStart.getYear() + "-Q" + ((quarterStart.getMonthValue() - 1) / 3 + 1);
        Duration inQuarter = Duration.between(Instant.now(), quarterStart.plusMonths(3).minusDays(10).toInstant());
        suite = Suite.prepare(Path.of(System.getProperty("suite.repo", "..")), HOME, Suite.Ports.free(),
                Duration.ofMinutes(3), new PrintStream(System.out, true, StandardCharsets.UTF_8))
                .with("CONSENT_CLOCK_SKEW", SKEW.toSeconds() + "s")
                // One usage consumer per report-service: with three each, one instance could own all three partitions.
                .with("REPORT_COUNTING_CONSUMERS", "1");
        suite.start(inQuarter);
        List<URI> collectors = List.of(suite.collector(), suite.startReplica("collector-service"));
        List<URI> reports = List.of(suite.report(), suite.startReplica("report-service"));
        Clock clock = Clock.offset(Clock.systemUTC(), inQuarter);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                suite.kafkaBootstrapServers()))) {
            awaitBothMembersOwnPartitions(admin);

            // Every machine talks to one collector, alternately the first and the second.
            List<Machine> machines = new ArrayList<>();
            for (int i = 0; i < OPTED_IN + DECLINED; i++) {
                Machine machine = new Machine("r" + i, i % 3 == 0 ? "darwin" : "linux", "1.0.0", true,
                        HOME.resolve("clients"), collectors.get(i % 2), suite.consent(), suite.ingestKey(), clock);
                machine.answerPrompt(i < OPTED_IN);
                machines.add(machine);
            }
            Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
            // Some turn telemetry off first: an event captured later than the clock skew after that is refused.
            List<Machine> turnedOff = machines.subList(OPTED_IN - TURNED_OFF, OPTED_IN);
            for (Machine machine : turnedOff) {
                use(machine, deadline);
                machine.turnOff();
            }
            for (Machine machine : machines) {
                if (!turnedOff.contains(machine)) {
                    use(machine, deadline);
                }
            }
            List<String> resent = resendToTheOtherCollector(machines.subList(0, 4), collectors, clock);

            // Both collectors judge every machine by its last decision, whichever instance applied it. A refusal
            // needs an event captured more than the clock skew before the consent log is known complete (until then
            // a decision could still be on its way: retry) and, after an opt-out, more than the skew after it: so
            // the turned-off machines are refused twice the skew and the watermarks' lag after their opt-out.
            for (Machine machine : machines) {
                boolean optedIn = machines.indexOf(machine) < OPTED_IN - TURNED_OFF;
                for (URI collector : collectors) {
                    await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(1))
                            .untilAsserted(() -> assertThat(validate(collector, machine,
                                    optedIn ? clock.instant() : clock.instant().minus(SKEW).minus(WATERMARK_LAG)))
                                    .as(machine + " at " + collector).isEqualTo(optedIn ? "accepted" : "rejected"));
                }
            }

            // Everything on the topics now (consent-service relayed every decision the collectors applied) is
            // processed by both report-services' groups before the figures are read: no over-count passes by.
            awaitCommittedUpToTheEnd(admin, "report-service.usage", Topics.USAGE);
            awaitCommittedUpToTheEnd(admin, "report-service.consent", Topics.CONSENT);

            long events = machines.stream().mapToLong(machine -> machine.counted.size()).sum() + resent.size();
            for (URI report : reports) {
                JsonPath preview = given().baseUri(report.toString()).auth().oauth2(suite.adminKey())
                        .get("/v1/admin/reports/{quarter}/preview", quarter).then().statusCode(200).extract()
                        .jsonPath();
                assertThat(preview.getLong("events.value")).as("events at " + report).isEqualTo(events);
                assertThat(preview.getLong("machines.active.value")).as("machines at " + report)
                        .isEqualTo(OPTED_IN);
                assertThat(preview.getLong("machines.optedIn.value")).as("opted in at " + report)
                        .isEqualTo(OPTED_IN);
                assertThat(preview.getLong("machines.optedOut.value")).as("opted out at " + report)
                        .isEqualTo(DECLINED + TURNED_OFF);
            }
        }
    }

    /** A few events, pushed until none is left spooled (consent may still be on its way: answered retry). */
    private static void use(Machine machine, Instant deadline) throws InterruptedException {
        for (int e = 0; e < 3 + Integer.parseInt(machine.name.substring(1)) % 5; e++) {
            machine.use(e % 2 == 0 ? "start_begin" : "stop", Map.of());
        }
        machine.drain(deadline);
    }

    /** Each group has two members, each owning at least one partition: both instances consume. */
    private static void awaitBothMembersOwnPartitions(Admin admin) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .untilAsserted(() -> {
                    Map<String, ConsumerGroupDescription> groups = admin.describeConsumerGroups(GROUPS).all()
                            .get(10, TimeUnit.SECONDS);
                    for (String group : GROUPS) {
                        Collection<MemberDescription> members = groups.get(group).members();
                        assertThat(members).as(group).hasSize(2).allSatisfy(member -> assertThat(
                                member.assignment().topicPartitions()).as(group + " " + member.consumerId())
                                .isNotEmpty());
                    }
                });
    }

    /**
     * Five new events of each machine pushed to its collector and then, the same batch, to the other one: the second
     * collector has not seen them and accepts them again, so each is on the usage topic twice. Returns their ids.
     */
    private static List<String> resendToTheOtherCollector(List<Machine> machines, List<URI> collectors, Clock clock) {
        List<String> ids = new ArrayList<>();
        for (Machine machine : machines) {
            List<Map<String, Object>> events = new ArrayList<>();
            for (int e = 0; e < 5; e++) {
                String id = UUID.randomUUID().toString();
                ids.add(id);
                // Captured now: well after the machine's opt-in (an event more than the skew before it is not
                // counted).
                events.add(event(id, machine, clock.instant()));
            }
            int first = machines.indexOf(machine) % 2;
            push(collectors.get(first), events).then().statusCode(200);
            push(collectors.get(1 - first), events).then().statusCode(200);
        }
        return ids;
    }

    private static io.restassured.response.Response push(URI collector, List<Map<String, Object>> events) {
        return given().baseUri(collector.toString()).auth().oauth2(suite.ingestKey()).contentType(ContentType.JSON)
                .body(Map.of("events", events)).post("/v1/events");
    }

    /** The collector's answer for a new event of the machine captured at {@code capturedAt}, stored nowhere. */
    private static String validate(URI collector, Machine machine, Instant capturedAt) {
        return given().baseUri(collector.toString()).auth().oauth2(suite.ingestKey()).contentType(ContentType.JSON)
                .body(Map.of("events", List.of(event(UUID.randomUUID().toString(), machine, capturedAt))))
                .post("/v1/events/validate").then().statusCode(200).extract().jsonPath()
                .getString("results[0].status");
    }

    private static Map<String, Object> event(String id, Machine machine, Instant at) {
        return Map.of("id", id, "event", "stop", "timestamp", at.toString(), "anonymousId", machine.anonymousId(),
                "proof", machine.proof(), "os", machine.os, "build", machine.build, "data", Map.of());
    }

    /** Waits until {@code group} has committed, on every partition, the end offset {@code topic} has now. */
    private static void awaitCommittedUpToTheEnd(Admin admin, String group, String topic) throws Exception {
        List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(10, TimeUnit.SECONDS).get(topic).partitions().stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        Map<TopicPartition, Long> end = admin.listOffsets(partitions.stream()
                .collect(Collectors.toMap(partition -> partition, partition -> OffsetSpec.latest()))).all()
                .get(10, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().offset()));
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = committed.get(partition);
                assertThat(offset == null ? 0 : offset.offset()).as(group + " " + partition)
                        .isGreaterThanOrEqualTo(end.get(partition));
            }
        });
    }

    private static ZonedDateTime quarterStart(Instant instant) {
        ZonedDateTime at = instant.atZone(ZoneOffset.UTC);
        return ZonedDateTime.of(at.getYear(), (at.getMonthValue() - 1) / 3 * 3 + 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    }
}
