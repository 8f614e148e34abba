package dev.telemetry.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.telemetry.contract.Pseudonyms;
import dev.telemetry.contract.Topics;
import dev.telemetry.launcher.Suite;

/**
 * The built suite as {@code run-suite} runs it, under load from simulated CLIs built on the reference client, while
 * one process at a time crashes, freezes or restarts. After each fault the ground truth the CLIs kept is compared
 * with what the suite did: every event answered {@code accepted} counted exactly once, none answered {@code rejected}
 * counted, every consent decision answered 2xx applied by collector-service and report-service, every service ready
 * again by itself. {@code -Dfaults=all} runs the whole matrix (see docs/reliability.md).
 */
class FaultInjectionIT {

    private static final Path HOME = Path.of("target", "fault-suite").toAbsolutePath();
    private static final int CLIS_PER_FAULT = 12;
    private static final int LOAD_THREADS = 3;
    /** Events accepted before a fault, and again after it, to show the suite works under load on both sides. */
    private static final int ACCEPTED_AROUND_FAULT = 60;
    /** Bound for every wait on the suite (readiness, settling, counting), on a shared 2-core machine. */
    private static final Duration BOUND = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private static final GroundTruth TRUTH = new GroundTruth();
    private static final List<Outcome> OUTCOMES = new ArrayList<>();
    private static Suite suite;

    /** One row of the table in docs/reliability.md. */
    record Outcome(Fault fault, int acknowledged, int storedUnacknowledged, int counted, int lost, long duplicated,
            int rejected, int rejectedCounted, long decisions, int decisionsLost, Duration toReady,
            Map<String, Long> pushAnswers) {

        static String header() {
            return "| Fault | Events acknowledged | Stored although not acknowledged | Counted | Lost | Duplicated "
                    + "| Rejected (counted) | Consent decisions acknowledged | Decisions lost | Ready again after "
                    + "| Push answers |\n|---|---|---|---|---|---|---|---|---|---|---|";
        }

        String row() {
            return "| %s | %d | %d | %d | %d | %d | %d (%d) | %d | %d | %.1f s | %s |".formatted(fault.description,
                    acknowledged, storedUnacknowledged, counted, lost, duplicated, rejected, rejectedCounted, decisions,
                    decisionsLost, toReady.toMillis() / 1000.0, pushAnswers);
        }
    }

    @BeforeAll
    static void startSuite() throws IOException {
        if (Files.exists(HOME)) {
            try (Stream<Path> paths = Files.walk(HOME)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        suite = Suite.prepare(Path.of(System.getProperty("suite.repo", "../..")), HOME, Suite.Ports.free(), BOUND,
                new PrintStream(System.out, true, StandardCharsets.UTF_8))
                // The CLIs are minutes old and share one address: the counting rule against fake machines and the
                // per-address limits would hide them from the ground truth, and are not what is tested here.
                .with("REPORT_MINIMUM_ACTIVE_DAYS", "1").with("REPORT_MINIMUM_CONSENT_AGE", "0s")
                .with("CONSENT_LIMITS_REGISTRATIONS_PER_ADDRESS_PER_HOUR", "1000000000")
                .with("CONSENT_LIMITS_CHANGES_PER_ADDRESS_PER_HOUR", "1000000000")
                // The overload fault measures the collector, not the per-address push limit in front of it.
                .with("COLLECTOR_PUSHES_PER_MINUTE", "1000000000");
        suite.start(Duration.ZERO);
    }

    @AfterAll
    static void stopSuite() throws IOException {
        if (suite != null) {
            suite.close();
        }
        if (!OUTCOMES.isEmpty()) {
            String table = Outcome.header() + "\n"
                    + String.join("\n", OUTCOMES.stream().map(Outcome::row).toList()) + "\n";
            System.out.println(table);
            Files.writeString(HOME.resolveSibling("fault-injection.md"), table, StandardCharsets.UTF_8);
        }
    }

    @TestFactory
    Stream<DynamicTest> noAcknowledgedEventOrConsentDecisionIsLostWhateverFails() {
        return Fault.selected(System.getProperty("faults", "short")).stream()
                .map(fault -> DynamicTest.dynamicTest(fault.description, () -> survives(fault)));
    }

    private void survives(Fault fault) throws Exception {
        String phase = fault.name();
        List<SimulatedCli> fleet = IntStream.range(0, CLIS_PER_FAULT)
                .mapToObj(i -> new SimulatedCli(phase.toLowerCase() + "-" + i, phase, HOME.resolve("clients"),
                        suite.collector(), suite.consent(), suite.ingestKey(), TRUTH))
                .toList();
        fleet.forEach(SimulatedCli::optIn);
        long decisionsBefore = TRUTH.consentAcknowledgements();
        Map<String, Long> answersBefore = TRUTH.pushAnswers();

        Duration toReady;
        try (Load load = new Load(fleet, LOAD_THREADS, phase.hashCode())) {
            awaitAccepted(ACCEPTED_AROUND_FAULT);
            fault.inject(suite, TRUTH, fleet);
            Instant over = Instant.now();
            await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(FaultInjectionIT::everyServiceReady);
            toReady = Duration.between(over, Instant.now());
            awaitAccepted(ACCEPTED_AROUND_FAULT);
        }
        await("every CLI has sent its spool and its last answer").atMost(BOUND).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    boolean settled = fault != Fault.OVERLOAD || Overload.current.resendUnanswered();
                    for (SimulatedCli cli : fleet) {
                        if (!cli.settled()) {
                            cli.push();
                            settled &= cli.settled();
                        }
                    }
                    return settled;
                });

        long expectedTotal = TRUTH.mustBeCounted(null).size();
        long shown = awaitPreviewTotal(expectedTotal);
        Set<String> counted = countedEventIds();
        Set<String> mustBeCounted = TRUTH.mustBeCounted(phase);
        Set<String> lost = new HashSet<>(mustBeCounted);
        lost.removeAll(counted);
        Set<String> rejectedCounted = new HashSet<>(TRUTH.mustNotBeCounted(phase));
        rejectedCounted.retainAll(counted);
        Set<String> countedOfPhase = new HashSet<>(mustBeCounted);
        countedOfPhase.retainAll(counted);
        int decisionsLost = awaitConsentApplied() + decisionsNotApplied(fleet);

        Map<String, Long> answers = new HashMap<>(TRUTH.pushAnswers());
        answersBefore.forEach((status, count) -> answers.computeIfPresent(status, (any, now) -> now - count));
        answers.values().removeIf(count -> count == 0);
        Outcome outcome = new Outcome(fault, TRUTH.accepted(phase).size(), TRUTH.storedUnacknowledged(phase).size(),
                countedOfPhase.size(), lost.size(), Math.max(0, shown - expectedTotal),
                TRUTH.rejected(phase).size(), rejectedCounted.size(),
                TRUTH.consentAcknowledgements() - decisionsBefore, decisionsLost, toReady, answers);
        OUTCOMES.add(outcome);
        System.out.println(Outcome.header() + "\n" + outcome.row());

        assertThat(answers.keySet()).as("push answers: a fault is answered 503 or 429, never another 5xx")
                .noneMatch(status -> status.startsWith("5") && !status.equals("503"));
        assertThat(lost).as("events answered accepted but not counted").isEmpty();
        assertThat(shown).as("events in the preview (every phase so far) vs ground truth").isEqualTo(expectedTotal);
        assertThat(rejectedCounted).as("events answered rejected but counted").isEmpty();
        assertThat(decisionsLost).as("consent decisions answered 2xx but not applied").isZero();
        if (fault == Fault.POISON_MESSAGES) {
            assertPoisonParked();
        }
        if (fault == Fault.OVERLOAD) {
            Overload.current.close();
            Overload.Figures overload = Overload.last;
            assertThat(overload.answers().keySet()).as("overload answers: 200, 429 or 503 within %s, nothing else",
                    SimulatedCli.PUSH_TIMEOUT).isSubsetOf("200", "429", "503");
            assertThat(overload.withoutRetryAfter()).as("429 and 503 answers without Retry-After").isZero();
            assertThat(overload.rssPeak()).as("collector's peak resident memory during the overload")
                    .isLessThanOrEqualTo(Overload.RSS_BOUND_BYTES);
        }
    }

    /**
     * Every consumer parked every poison message of its topics on the dead-letter topic exactly once, with its
     * reason and origin, and counted it exactly once; the usual checks above showed that none was counted in a
     * report and that the consumers went on.
     */
    private static void assertPoisonParked() {
        int partitions = 3; // every consumed topic has 3 partitions in the local suite
        int perConsumer = PoisonMessages.of("any").size() * partitions;
        List<List<String>> consumers = List.of(List.of("collector-service", Topics.CONSENT),
                List.of("report-service", Topics.CONSENT), List.of("report-service", Topics.USAGE),
                List.of("consent-service", Topics.ERASURES));
        // A consumer restarted by an earlier fault may still be rejoining its group (the killed member's session
        // has to time out first): wait for each of them, bounded.
        await("every consumer parked its poison").atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() -> {
            List<DeadLetterTopic.Letter> letters = DeadLetterTopic.readAll(suite.kafkaBootstrap());
            return consumers.stream().allMatch(c -> letters.stream()
                    .filter(l -> l.consumer().equals(c.get(0)) && l.topic().equals(c.get(1))).count() >= perConsumer);
        });
        List<DeadLetterTopic.Letter> letters = DeadLetterTopic.readAll(suite.kafkaBootstrap());
        Map<String, Long> perReason = Map.of("not-json", (long) partitions, "unknown-type", (long) partitions,
                "unknown-schema-version", (long) partitions, "invalid-content", (long) partitions);
        for (List<String> consumer : consumers) {
            List<DeadLetterTopic.Letter> own = letters.stream()
                    .filter(l -> l.consumer().equals(consumer.get(0)) && l.topic().equals(consumer.get(1))).toList();
            assertThat(own).as("dead letters of %s", consumer).hasSize(perConsumer)
                    .doesNotHaveDuplicates();
            assertThat(own.stream().collect(Collectors.groupingBy(DeadLetterTopic.Letter::reason,
                    Collectors.counting()))).as("reasons of %s", consumer).isEqualTo(perReason);
            await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).untilAsserted(
                    () -> assertThat(unreadableCounted(consumer.get(0), consumer.get(1)))
                            .as("unreadable count of %s", consumer).isEqualTo(perConsumer));
        }
        assertThat(letters).as("nothing but the poison is parked").hasSize(perConsumer * consumers.size());
    }

    /** {@code telemetry_messages_unreadable_total} of one consumer and topic, from its Prometheus metrics. */
    private static double unreadableCounted(String service, String topic) throws IOException, InterruptedException {
        String metrics = HTTP.send(HttpRequest.newBuilder(suite.management(service).resolve("/q/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines()
                .filter(line -> line.startsWith("telemetry_messages_unreadable_total{")
                        && line.contains("topic=\"" + topic + "\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static void awaitAccepted(int more) {
        long from = TRUTH.acceptedCount();
        await("%d more events accepted".formatted(more)).atMost(BOUND).pollInterval(Duration.ofMillis(200))
                .until(() -> TRUTH.acceptedCount() >= from + more);
    }

    private static boolean everyServiceReady() {
        for (String service : Suite.SERVICES) {
            try {
                HttpRequest ready = HttpRequest.newBuilder(suite.management(service).resolve("/q/health/ready"))
                        .timeout(Duration.ofSeconds(3)).build();
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                    return false;
                }
            } catch (IOException notYet) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** The admin preview's event total once it equals {@code expected}, or the last one seen after the bound. */
    private static long awaitPreviewTotal(long expected) {
        long[] shown = {-1};
        try {
            await().atMost(BOUND).pollInterval(Duration.ofMillis(500)).until(() -> {
                shown[0] = previewTotal();
                return shown[0] == expected;
            });
        } catch (ConditionTimeoutException e) {
            // the assertion on the figure says what is wrong
        }
        return shown[0];
    }

    private static long previewTotal() throws IOException, InterruptedException {
        ZonedDateTime now = Instant.now().atZone(ZoneOffset.UTC);
        String quarter = now.getYear() + "-Q" + ((now.getMonthValue() - 1) / 3 + 1);
        HttpResponse<String> preview;
        try {
            preview = HTTP.send(HttpRequest
                    .newBuilder(suite.report().resolve("/v1/admin/reports/" + quarter + "/preview"))
                    .header("Authorization", "Bearer " + suite.adminKey()).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException busy) {
            return -1; // a restarted report-service catching up answers slowly: not yet a verdict
        }
        if (preview.statusCode() != 200) {
            return -1;
        }
        JsonNode events = JSON.readTree(preview.body()).path("events");
        return events.path("suppressed").asBoolean() ? -1 : events.path("value").asLong(-1);
    }

    /** Every usage event report-service recorded as counted (its dedupe table). */
    private static Set<String> countedEventIds() throws SQLException {
        Set<String> ids = new HashSet<>();
        query("report", "SELECT event_id FROM counted_event", row -> ids.add(row.getString(1)));
        return ids;
    }

    /**
     * Waits until collector-service and report-service have applied every consent event consent-service recorded
     * (the same stream version for every machine); returns the number of machines still behind after the bound.
     */
    private static int awaitConsentApplied() {
        int[] behind = {-1};
        try {
            await().atMost(BOUND).pollInterval(Duration.ofMillis(500)).until(() -> {
                Map<String, Long> recorded = versions("consent", "SELECT stream_id, version FROM consent_state");
                Map<String, Long> collector = versions("collector", "SELECT pseudonym, version FROM machine_consent");
                Map<String, Long> report = versions("report", "SELECT pseudonym, version FROM machine_consent");
                behind[0] = (int) recorded.entrySet().stream()
                        .filter(entry -> !entry.getValue().equals(collector.get(entry.getKey()))
                                || !entry.getValue().equals(report.get(entry.getKey())))
                        .count();
                return behind[0] == 0;
            });
        } catch (ConditionTimeoutException e) {
            // reported as decisions lost
        }
        return behind[0];
    }

    /**
     * Each CLI's last decision acknowledged with a 2xx, as consent-service, collector-service and report-service hold
     * it (looked up by the CLI's pseudonym): opted in, opted out, or erased (an opt-out to consent-service). Returns the CLIs some service holds
     * otherwise. (The collector's answer to a fresh event cannot tell: within the clock-skew window after an opt-out
     * it still accepts events, by design.)
     */
    private static int decisionsNotApplied(List<SimulatedCli> fleet) throws IOException, SQLException {
        Pseudonyms pseudonyms = Pseudonyms.fromBase64(localKey("PSEUDONYM_KEY"));
        Map<String, String> recorded = new HashMap<>();
        query("consent", "SELECT stream_id, status FROM consent_state",
                row -> recorded.put(row.getString(1), row.getString(2)));
        Map<String, String> collector = lastConsentKind("collector");
        Map<String, String> report = lastConsentKind("report");
        int wrong = 0;
        for (SimulatedCli cli : fleet) {
            String pseudonym = pseudonyms.of(cli.anonymousId());
            boolean erased = TRUTH.isErased(cli);
            boolean optedIn = Boolean.TRUE.equals(TRUTH.decisionOf(cli)) && !erased;
            String expected = optedIn ? "OPTED_IN" : "OPTED_OUT";
            String expectedKind = erased ? "ERASED" : optedIn ? "GRANTED" : "WITHDRAWN";
            if (!expected.equals(recorded.get(pseudonym)) || !expectedKind.equals(collector.get(pseudonym))
                    || !expectedKind.equals(report.get(pseudonym))) {
                System.out.printf("%s: acknowledged %s; consent-service holds %s, collector %s, report %s%n", cli,
                        expected, recorded.get(pseudonym), collector.get(pseudonym), report.get(pseudonym));
                wrong++;
            }
        }
        return wrong;
    }

    /** The kind of the last consent event in a consumer's consent view, per pseudonym. */
    private static Map<String, String> lastConsentKind(String database) throws SQLException {
        Map<String, String> kinds = new HashMap<>();
        query(database, "SELECT pseudonym, timeline -> -1 ->> 'kind' FROM machine_consent",
                row -> kinds.put(row.getString(1), row.getString(2)));
        return kinds;
    }

    /** A secret of the suite's own home, written by the launcher ({@code keys.env}). */
    private static String localKey(String name) throws IOException {
        return Files.readAllLines(HOME.resolve("keys.env")).stream().filter(line -> line.startsWith(name + "="))
                .map(line -> line.substring(name.length() + 1)).findFirst().orElseThrow();
    }

    private static Map<String, Long> versions(String database, String sql) throws SQLException {
        Map<String, Long> versions = new HashMap<>();
        query(database, sql, row -> versions.put(row.getString(1), row.getLong(2)));
        return versions;
    }

    private interface Row {
        void read(ResultSet row) throws SQLException;
    }

    private static void query(String database, String sql, Row reader) throws SQLException {
        try (Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + suite.postgresPort() + "/" + database, "postgres", "postgres");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                reader.read(rows);
            }
        }
    }
}
