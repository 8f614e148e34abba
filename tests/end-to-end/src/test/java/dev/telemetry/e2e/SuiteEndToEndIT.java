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
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.restassured.path.json.JsonPath;

import dev.telemetry.client.TelemetryClient.PushOutcome;
import dev.telemetry.client.TelemetryClient.State;
import dev.telemetry.launcher.Suite;

/**
 * The built suite as it runs in production (PostgreSQL, Kafka, three prod-mode service JVMs), driven only through the
 * client library and public HTTP, like a fleet of CF Dev installations. The services' clock is moved so that the
 * quarter ends and its report can be published; the report is then compared with ground truth computed here.
 */
class SuiteEndToEndIT {

    private static final int K = 10;
    private static final int REGULAR = 30;
    private static final Path HOME = Path.of("target", "e2e-suite").toAbsolutePath();

    /** Event ids of the pushes this test writes by hand: they appear only in request bodies. */
    private static final List<String> RAW_PUSH_EVENT_IDS = new ArrayList<>();
    /** A well-formed proof that is no machine's. */
    private static final String NOT_THE_PROOF = "0".repeat(64);

    private static Suite suite;
    private static StallingProxy proxy;

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
    static void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void aFleetOfClisEndsUpExactlyInThePublishedQuarterlyReport() throws Exception {
        // The quarter after this one, entered ten days before its end: no run of this test depends on the date.
        ZonedDateTime quarterStart = quarterStart(Instant.now()).plusMonths(3);
        ZonedDateTime quarterEnd = quarterStart.plusMonths(3);
        String quarter = quarterStart.getYear() + "-Q" + ((quarterStart.getMonthValue() - 1) / 3 + 1);
        Duration inQuarter = Duration.between(Instant.now(), quarterEnd.minusDays(10).toInstant());

        suite = Suite.prepare(Path.of(System.getProperty("suite.repo", "..")), HOME, Suite.Ports.free(),
                Duration.ofMinutes(3), new PrintStream(System.out, true, StandardCharsets.UTF_8));
        suite.start(inQuarter);
        proxy = new StallingProxy(suite.collector());
        Clock suiteClock = Clock.offset(Clock.systemUTC(), inQuarter);
        Instant quarterEntered = suiteClock.instant();

        // The fleet: 30 machines whose users said yes at the prompt; one in CI (never asked) and one that said no.
        List<Machine> regular = new ArrayList<>();
        for (int i = 0; i < REGULAR; i++) {
            String os = i < 17 ? "linux" : i < 27 ? "darwin" : "windows";
            String build = i % 4 == 3 ? "1.1.0" : i == 5 || i == 20 ? "0.9.0" : "1.0.0";
            if (i == REGULAR - 1) {
                build = "7.31.4-erasureprobe"; // the eraser's: a build no other machine has, to search for
            }
            regular.add(machine("m" + i, os, build, true, suite.collector(), suiteClock));
        }
        Machine toggler = regular.get(3);
        MovableClock retryClock = new MovableClock(inQuarter);
        Machine retrier = machine("retrier", "linux", "1.0.0", true, proxy.uri(), retryClock);
        Machine eraser = regular.get(REGULAR - 1);
        List<Machine> leavers = regular.stream().filter(machine -> regular.indexOf(machine) % 3 == 1).toList();
        Machine inCi = machine("ci", "linux", "1.0.0", false, suite.collector(), suiteClock);
        Machine decliner = machine("decliner", "darwin", "1.0.0", true, suite.collector(), suiteClock);
        List<Machine> everyone = new ArrayList<>(regular);
        everyone.addAll(List.of(retrier, inCi, decliner));
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));

        for (Machine machine : everyone) {
            assertThat(machine.client.shouldPrompt()).as(machine + " is asked on first start")
                    .isEqualTo(machine != inCi);
            if (machine != inCi) {
                machine.answerPrompt(machine != decliner);
            }
        }

        // CF Dev-like sessions; the CLI pushes at the end of each command.
        Random random = new Random(42);
        for (Machine machine : regular) {
            for (int session = 0; session < 1 + regular.indexOf(machine) % 3; session++) {
                session(machine, random);
                machine.push();
            }
        }
        for (Machine outsider : List.of(inCi, decliner)) {
            session(outsider, random);
            assertThat(outsider.push()).as(outsider + " captures nothing").isEqualTo(new PushOutcome(0, 0));
        }

        // telemetry --off, then --on again: nothing in between is captured.
        toggler.drain(deadline);
        toggler.turnOff();
        session(toggler, random);
        assertThat(toggler.push()).isEqualTo(new PushOutcome(0, 0));
        toggler.turnOn();
        session(toggler, random);
        toggler.drain(deadline);

        retriesABatchWhoseAnswerWasLost(retrier, retryClock, random, deadline);

        // Someone with the public key and a machine's anonymous ID but not its proof: refused. Had the opt-out gone
        // through, the report below would differ from ground truth.
        Machine victim = regular.get(0);
        assertThat(List.of(asSomeoneElse(victim).contentType("application/json")
                .body("{\"optIn\": false, \"os\": \"linux\", \"build\": \"0.0.1\", \"source\": \"toggle\"}")
                .put("/v1/consent").statusCode(), asSomeoneElse(victim).get("/v1/consent/history").statusCode(),
                asSomeoneElse(victim).delete("/v1/consent/data").statusCode())).containsOnly(403);

        // Users who switch telemetry off: telemetry_off goes out with the rest, then nothing is kept or sent.
        for (Machine leaver : leavers) {
            leaver.drain(deadline);
            leaver.turnOff();
            assertThat(leaver.client.status().state()).isEqualTo(State.OFF);
            leaver.use("stop", Map.of("uptime_s", 60));
            assertThat(leaver.push()).as(leaver + " after --off").isEqualTo(new PushOutcome(0, 0));
        }

        String receipt = requestsErasure(eraser, deadline);

        for (Machine machine : everyone) {
            machine.drain(deadline);
        }
        ExpectedReport expected = new ExpectedReport(everyone, K);
        assertThat(awaitPreview(quarter, expected).getString("status")).isEqualTo("preview");

        // The quarter ends: every service's clock moves a day past it.
        suite.restartServices(Duration.between(Instant.now(), quarterEnd.plusDays(1).toInstant()));

        // Clients that ignore the user's choice: the collector refuses their events, so they appear nowhere.
        Instant afterEveryOptOut = quarterEntered.plus(Duration.ofHours(2));
        assertThat(rawPush(inCi, afterEveryOptOut)).isEqualTo("rejected no_consent");
        assertThat(rawPush(decliner, afterEveryOptOut)).isEqualTo("rejected no_consent");
        assertThat(rawPush(leavers.get(0), afterEveryOptOut)).isEqualTo("rejected after_opt_out");
        assertThat(rawPush(eraser, afterEveryOptOut)).isEqualTo("rejected after_opt_out");
        assertThat(rawPush(victim, afterEveryOptOut, NOT_THE_PROOF)).as("an opted-in machine's ID without its proof")
                .isEqualTo("rejected no_consent");

        String published = given().baseUri(suite.report().toString()).auth().oauth2(suite.adminKey())
                .post("/v1/admin/reports/{quarter}/publish", quarter)
                .then().statusCode(200).extract().asString();
        JsonPath report = given().baseUri(suite.report().toString()).get("/v1/reports/{quarter}", quarter)
                .then().statusCode(200).extract().jsonPath();
        assertThat(report.getString("status")).isEqualTo("published");
        assertThat(report.prettify()).isEqualTo(new JsonPath(published).prettify());
        expected.assertMatches(report);

        String csv = given().baseUri(suite.report().toString()).queryParam("format", "csv")
                .get("/v1/reports/{quarter}", quarter).then().statusCode(200).extract().asString();
        assertThat(csv).contains("\"events\",\"total\"," + expected.events() + ",,false\r\n");
        String html = given().baseUri(suite.report().toString()).get("/reports/{quarter}", quarter)
                .then().statusCode(200).extract().asString();
        assertThat(html).contains(quarter).contains(
                "<dt>Events</dt><dd>" + String.format(java.util.Locale.ENGLISH, "%,d", expected.events()) + "</dd>");
        assertThat(given().baseUri(suite.report().toString()).get("/v1/reports").then().statusCode(200)
                .extract().jsonPath().getList("quarter", String.class)).contains(quarter);
        for (Machine machine : everyone) {
            assertThat(List.of(published, csv, html)).as("the anonymous ID is never published")
                    .noneMatch(text -> text.contains(machine.anonymousId()));
        }
        assertNoLogHoldsAnAnonymousIdOrABody(everyone);
        new ErasureScan(suite).assertOnlyTheTombstoneRemains(eraser, receipt);
    }

    /**
     * Every log of the run (services, PostgreSQL, Kafka) is free of each raw anonymous ID and of request bodies: the
     * bodies' field names, and the event ids of the raw pushes, which appear nowhere but in their bodies.
     */
    private static void assertNoLogHoldsAnAnonymousIdOrABody(List<Machine> everyone) throws IOException {
        List<Path> logs;
        try (Stream<Path> files = Files.list(HOME.resolve("logs"))) {
            logs = files.filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(logs).extracting(path -> path.getFileName().toString())
                .contains("collector-service.log", "consent-service.log", "report-service.log");
        List<String> secrets = new ArrayList<>(everyone.stream().map(Machine::anonymousId).toList());
        everyone.stream().filter(Machine::hasIdentity).map(Machine::proof).forEach(secrets::add);
        secrets.addAll(RAW_PUSH_EVENT_IDS);
        secrets.addAll(List.of("\"anonymousId\"", "\"optIn\"", "\"uptime_s\""));
        for (Path log : logs) {
            String text = Files.readString(log, StandardCharsets.ISO_8859_1);
            assertThat(secrets).as("in " + log.getFileName()).noneMatch(text::contains);
        }
    }

    /**
     * The collector stores a batch but its answer is lost (a timeout): the client keeps the events, waits out its
     * backoff and sends them again; they are answered {@code duplicate} and counted once.
     */
    private static void retriesABatchWhoseAnswerWasLost(Machine retrier, MovableClock clock, Random random,
            Instant deadline) throws InterruptedException {
        session(retrier, random);
        retrier.drain(deadline);
        proxy.takeAnswered();
        int events = session(retrier, random);

        proxy.stall(true);
        assertThat(retrier.client.push(Duration.ofSeconds(2))).isEqualTo(new PushOutcome(0, events));
        StringBuilder answered = new StringBuilder();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                count(answered.append(proxy.takeAnswered()).toString(), "accepted"))
                .as("the collector did store the batch").isEqualTo(events));
        proxy.stall(false);
        assertThat(retrier.push()).as("within the backoff nothing is sent").isEqualTo(new PushOutcome(0, events));

        clock.advance(Duration.ofSeconds(61));
        assertThat(retrier.push()).isEqualTo(new PushOutcome(events, 0));
        assertThat(count(proxy.takeAnswered(), "duplicate")).isEqualTo(events);
    }

    /** Erasure from the CLI: confirmed once report-service has removed the machine everywhere. Returns the receipt. */
    private static String requestsErasure(Machine eraser, Instant deadline) throws InterruptedException {
        eraser.drain(deadline);
        String receipt = eraser.requestErasure();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(
                given().baseUri(suite.consent().toString()).auth().oauth2(suite.ingestKey())
                        .get("/v1/erasures/{receipt}", receipt).then().statusCode(200).extract().jsonPath()
                        .getString("status"))
                .isEqualTo("completed"));
        assertThat(eraser.client.status().state()).isEqualTo(State.OFF);
        eraser.use("stop", Map.of("uptime_s", 5));
        assertThat(eraser.push()).as("nothing is captured after an erasure").isEqualTo(new PushOutcome(0, 0));
        return receipt;
    }

    /** One CF Dev session: start (succeeding or failing), some work, stop. Returns the events captured. */
    private static int session(Machine machine, Random random) {
        int events = 0;
        machine.use("start_begin", Map.of("cpus", 2 + random.nextInt(6), "memory_mb", 8192, "services", "default"));
        events++;
        if (random.nextInt(4) == 0) {
            String code = random.nextInt(3) == 0 ? "insufficient_memory" : "vm_start_failed";
            machine.use("error", Map.of("code", code, "command", "start"));
            return events + 1;
        }
        machine.use("start_end", Map.of("duration_s", 300 + random.nextInt(600)));
        events++;
        for (int apps = random.nextInt(3); apps > 0; apps--) {
            machine.use("app_created", Map.of("buildpack", random.nextBoolean() ? "java" : "nodejs"));
            machine.use("route_created", Map.of("protocol", "http"));
            events += 2;
        }
        if (random.nextInt(3) == 0) {
            machine.use("bosh", Map.of("subcommand", "vms"));
            events++;
        }
        machine.use("stop", Map.of("uptime_s", 3600 + random.nextInt(7200)));
        return events + 1;
    }

    /** A consent request for the machine's anonymous ID with someone else's proof. */
    private static io.restassured.specification.RequestSpecification asSomeoneElse(Machine machine) {
        return given().baseUri(suite.consent().toString()).auth().oauth2(suite.ingestKey())
                .header("Telemetry-Anonymous-Id", machine.anonymousId()).header("Telemetry-Proof", NOT_THE_PROOF);
    }

    /**
     * A client that ignores its user's choice pushes one event, with the machine's proof if its client ever made
     * an installation secret (one that never asked, as in CI, has none: any proof then); returns "status reason".
     */
    private static String rawPush(Machine machine, Instant capturedAt) {
        return rawPush(machine, capturedAt, machine.hasIdentity() ? machine.proof() : NOT_THE_PROOF);
    }

    private static String rawPush(Machine machine, Instant capturedAt, String proof) {
        String eventId = UUID.randomUUID().toString();
        RAW_PUSH_EVENT_IDS.add(eventId);
        String body = """
                {"events": [{"id": "%s", "event": "stop", "timestamp": "%s", "anonymousId": "%s", "proof": "%s",
                  "os": "%s", "build": "%s", "data": {"uptime_s": 60}}]}""".formatted(eventId, capturedAt,
                machine.anonymousId(), proof, machine.os, machine.build);
        // Right after the restart the collector may answer retry until the consent log is known up to the event.
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            JsonPath result = given().baseUri(suite.collector().toString()).auth().oauth2(suite.ingestKey())
                    .contentType("application/json").body(body).post("/v1/events")
                    .then().statusCode(200).extract().jsonPath();
            return result.getString("results[0].status") + " " + result.getString("results[0].reason");
        }, answer -> !answer.startsWith("retry"));
    }

    /** The preview once report-service has applied everything (usage and consent arrive through separate topics). */
    private static JsonPath awaitPreview(String quarter, ExpectedReport expected) {
        AtomicReference<JsonPath> preview = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            preview.set(given().baseUri(suite.report().toString()).auth().oauth2(suite.adminKey())
                    .get("/v1/admin/reports/{quarter}/preview", quarter).then().statusCode(200).extract().jsonPath());
            expected.assertMatches(preview.get());
        });
        return preview.get();
    }

    private static Machine machine(String name, String os, String build, boolean interactive, URI collector,
            Clock clock) {
        return new Machine(name, os, build, interactive, HOME.resolve("clients"), collector, suite.consent(),
                suite.ingestKey(), clock);
    }

    private static int count(String answers, String status) {
        Matcher matcher = Pattern.compile("\"status\"\\s*:\\s*\"" + status + "\"").matcher(answers);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    private static ZonedDateTime quarterStart(Instant instant) {
        ZonedDateTime at = instant.atZone(ZoneOffset.UTC);
        return ZonedDateTime.of(at.getYear(), (at.getMonthValue() - 1) / 3 * 3 + 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    }

    /** The suite's clock for one machine, which the test moves forward to let its backoff pass. */
    static final class MovableClock extends Clock {
        private volatile Duration offset;

        MovableClock(Duration offset) {
            this.offset = offset;
        }

        void advance(Duration by) {
            offset = offset.plus(by);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
