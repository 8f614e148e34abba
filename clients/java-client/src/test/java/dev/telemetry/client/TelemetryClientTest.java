package dev.telemetry.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.telemetry.client.TelemetryClient.PushOutcome;
import dev.telemetry.client.TelemetryClient.State;

/** The client against stand-in services (an in-process HTTP server): a true unit test. */
class TelemetryClientTest extends AgainstStandInServices {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private TelemetryClient client() {
        return fixture.client(services.uri(), true);
    }

    private TelemetryClient optedIn() {
        TelemetryClient client = client();
        client.answerPrompt(true);
        return client;
    }

    private List<String> pushedKinds() {
        return services.pushedEvents.stream().map(event -> event.get("event").asText()).toList();
    }

    @Test
    void withoutATerminalNobodyIsAskedAndNothingIsCaptured() {
        TelemetryClient client = fixture.client(services.uri(), false);

        client.capture("start_begin", Map.of());

        assertThat(client.shouldPrompt()).isFalse();
        assertThat(client.enabled()).isFalse();
        assertThat(client.push(TIMEOUT)).isEqualTo(new PushOutcome(0, 0));
        assertThat(services.calls).isEmpty();
        assertThat(fixture.home).doesNotExist();
    }

    @Test
    void thePromptSaysWhatIsCollectedThatItIsAnonymousWhereTheStatisticsAreAndHowToTurnItOff() {
        TelemetryClient client = client();

        assertThat(client.shouldPrompt()).isTrue();
        assertThat(client.disclosure().lines()).hasSize(3);
        assertThat(client.disclosure()).contains("the commands you run").contains("anonymous")
                .contains("https://stats.example/cf-dev").contains("cf dev telemetry --off")
                .contains("DO_NOT_TRACK=1");
        assertThat(client.status().describe()).startsWith("Telemetry is off (not answered): ")
                .contains("https://stats.example/cf-dev");
    }

    @Test
    void theAnswerIsRecordedAtOnceWithTheConsentVersionAndSentByTheNextPush() throws IOException {
        TelemetryClient client = client();

        client.answerPrompt(true);

        assertThat(services.calls).as("nothing on the command's path").isEmpty();
        assertThat(client.shouldPrompt()).isFalse();
        assertThat(client.status().state()).isEqualTo(State.ON);
        assertThat(client.status().reason()).contains("you said yes").contains("consent version 1");
        assertThat(Files.readString(fixture.home.resolve("consent.properties"))).contains("consentVersion=1")
                .contains("optIn=true");
        assertThat(client.push(TIMEOUT)).isEqualTo(new PushOutcome(0, 0));
        assertThat(services.calls).containsExactly("consent true");
        client.push(TIMEOUT);
        assertThat(services.calls).as("acknowledged answers are not sent again").containsExactly("consent true");
    }

    @Test
    void aNewConsentVersionAsksAgainAndAYesGivenForTheOldOneCollectsNothing() {
        optedIn().push(TIMEOUT);
        fixture.consentVersion = 2;
        TelemetryClient updated = client();

        updated.capture("start_begin", Map.of());

        assertThat(updated.shouldPrompt()).isTrue();
        assertThat(updated.status().state()).isEqualTo(State.NOT_ANSWERED);
        assertThat(updated.status().reason()).contains("consent version 1, now 2");
        assertThat(updated.push(TIMEOUT)).isEqualTo(new PushOutcome(0, 0));
        updated.answerPrompt(true);
        assertThat(updated.shouldPrompt()).isFalse();
        updated.capture("start_begin", Map.of());
        assertThat(updated.push(TIMEOUT)).isEqualTo(new PushOutcome(1, 0));
        assertThat(services.calls).containsExactly("consent true", "consent true", "push");
    }

    @Test
    void aNoIsNotAskedAgainWhenTheConsentVersionChanges() {
        client().answerPrompt(false);
        fixture.consentVersion = 2;

        assertThat(client().shouldPrompt()).isFalse();
        assertThat(client().status().state()).isEqualTo(State.OFF);
    }

    @Test
    void doNotTrackSpoolsNothingSendsNothingAlreadySpooledAndNeverPrompts() throws IOException {
        TelemetryClient client = optedIn();
        client.capture("start_begin", Map.of());
        client.capture("stop", Map.of());
        byte[] spooled = Files.readAllBytes(fixture.spool());
        fixture.environment.put("DO_NOT_TRACK", "1");
        TelemetryClient tracked = client();

        Set<Long> before = Fixture.children();
        tracked.capture("start_end", Map.of());
        PushOutcome outcome = tracked.push(TIMEOUT);
        tracked.sendInBackground();

        assertThat(Files.readAllBytes(fixture.spool())).as("nothing spooled").isEqualTo(spooled);
        assertThat(outcome).as("the spooled events stay, unsent").isEqualTo(new PushOutcome(0, 2));
        assertThat(services.calls).as("not even the opt-in").isEmpty();
        assertThat(tracked.status().state()).isEqualTo(State.OFF);
        assertThat(tracked.status().reason()).isEqualTo("DO_NOT_TRACK is set");
        assertThat(Fixture.children()).as("no sender process").isSubsetOf(before);
        Path fresh = root.resolve("fresh");
        assertThat(TelemetryClient
                .builder(new ClientSettings(services.uri(), services.uri(), "key", fresh, "linux", "1.0.0",
                        "CF_DEV_TELEMETRY"))
                .environment(Map.of("DO_NOT_TRACK", "1")).interactive(true).build().shouldPrompt())
                .as("no prompt at a terminal").isFalse();
        assertThat(fresh).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"off", "0", "false", "OFF", "False"})
    void theToolSwitchTurnsItOffWhateverWasAnswered(String value) throws IOException {
        TelemetryClient client = optedIn();
        client.capture("start_begin", Map.of());
        byte[] spooled = Files.readAllBytes(fixture.spool());
        fixture.environment.put("CF_DEV_TELEMETRY", value);
        TelemetryClient switchedOff = client();

        switchedOff.capture("stop", Map.of());

        assertThat(switchedOff.enabled()).isFalse();
        assertThat(switchedOff.shouldPrompt()).isFalse();
        assertThat(switchedOff.status().reason()).isEqualTo("CF_DEV_TELEMETRY=" + value);
        assertThat(switchedOff.push(TIMEOUT)).isEqualTo(new PushOutcome(0, 1));
        assertThat(Files.readAllBytes(fixture.spool())).isEqualTo(spooled);
        assertThat(services.calls).isEmpty();
    }

    @Test
    void theAnonymousIdAndTheProofAreDerivedFromTheInstallationSecretExactlyAsDocumented() throws Exception {
        ClientSettings settings = new ClientSettings(URI.create("http://127.0.0.1:1"), URI.create("http://127.0.0.1:1"),
                "key", fixture.home, "linux", "0.0.1234", "CF_DEV_TELEMETRY");
        TelemetryClient client = TelemetryClient.builder(settings).machineValue("container-7").build();

        String id = client.anonymousId();

        String secret = Files.readString(fixture.home.resolve("installation-secret"));
        assertThat(secret).matches("[0-9a-f]{64}");
        assertThat(id).isEqualTo(sha256("telemetry-anonymous-id-v2:container-7:" + secret))
                .isNotEqualTo(TelemetryClient.builder(settings).machineValue("container-8").build().anonymousId());
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(HexFormat.of().parseHex(secret), "HmacSHA256"));
        assertThat(client.proof(id)).isEqualTo(HexFormat.of().formatHex(hmac.doFinal(("telemetry-proof-v1:" + id)
                .getBytes(StandardCharsets.US_ASCII))));
        assertThat(client().anonymousId()).matches("[0-9a-f]{64}").isEqualTo(client().anonymousId());
    }

    @Test
    void knowingTheMachineValueIsNotEnoughToKnowTheAnonymousId(@TempDir Path otherRoot) throws IOException {
        TelemetryClient here = fixture.builder(services.uri(), true).machineValue("a-cloned-image").build();
        TelemetryClient clone = new Fixture(otherRoot).builder(services.uri(), true).machineValue("a-cloned-image")
                .build();

        assertThat(here.anonymousId()).as("same machine value, two installation secrets")
                .isNotEqualTo(clone.anonymousId())
                .isNotEqualTo(sha256("telemetry-anonymous-id:a-cloned-image"));
    }

    @Test
    void theSecretIsCreatedOnlyWhenTelemetryFirstNeedsAnIdentity() {
        TelemetryClient client = client();
        client.status();
        client.capture("start_begin", Map.of());
        assertThat(fixture.home.resolve("installation-secret")).as("not answered yet").doesNotExist();

        client.answerPrompt(true);
        client.capture("start_begin", Map.of());

        assertThat(fixture.home.resolve("installation-secret")).exists();
    }

    @Test
    void consentRequestsAndPushesCarryTheProofAndNoUrlNamesTheMachine() {
        TelemetryClient client = optedIn();
        client.capture("start_begin", Map.of("cpus", 4));

        client.push(TIMEOUT);
        client.requestErasure(TIMEOUT);

        assertThat(services.calls).containsExactly("consent true", "push", "erase /v1/consent/data");
        assertThat(services.proofs).containsExactly(Map.entry(client.anonymousId(), client.proof(client
                .anonymousId())));
        assertThat(services.pushedEvents).allSatisfy(event -> assertThat(event.get("proof").asText())
                .isEqualTo(client.proof(client.anonymousId())));
        assertThat(services.targets).noneMatch(target -> target.toString().contains(client.anonymousId()));
    }

    @Test
    void anOptInAcknowledgedBeforeMachineProofsIsSentAgainUnderTheNewIdWithoutAskingAgain() throws IOException {
        Files.createDirectories(fixture.home);
        Files.writeString(fixture.home.resolve("consent.properties"),
                "optIn=true\nconsentVersion=1\nsource=prompt\nansweredAt=2026-01-01T00\\:00\\:00Z\nanswerId=a1\n");
        Files.writeString(fixture.home.resolve("consent-sent.properties"), "answerId=a1\n");
        TelemetryClient client = fixture.client(services.uri(), true);
        assertThat(client.shouldPrompt()).isFalse();
        client.capture("stop", Map.of());

        client.push(TIMEOUT);
        client.push(TIMEOUT);

        assertThat(services.calls).containsExactly("consent true", "push");
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void pushDropsWhatTheCollectorSettledAndKeepsRetries() {
        TelemetryClient client = optedIn();
        client.capture("start_begin", Map.of("cpus", 4));
        client.capture("start_end", Map.of());
        client.capture("stop", Map.of());
        services.collector = events -> new StandInServices.Answer(200,
                StandInServices.results(events, "accepted", "rejected", "retry"), null);

        PushOutcome outcome = client.push(TIMEOUT);

        assertThat(outcome).isEqualTo(new PushOutcome(3, 1));
        assertThat(pushedKinds()).containsExactly("start_begin", "start_end", "stop");
        assertThat(services.pushedEvents.get(0).get("data").get("cpus").asInt()).isEqualTo(4);
        assertThat(services.pushedEvents.get(0).get("anonymousId").asText()).isEqualTo(client.anonymousId());
        services.collector = events -> new StandInServices.Answer(200, StandInServices.results(events, "accepted"),
                null);
        client.push(TIMEOUT);
        assertThat(pushedKinds()).last().isEqualTo("stop");
        assertThat(client.push(TIMEOUT)).isEqualTo(new PushOutcome(0, 0));
    }

    @Test
    void pushesBatchesOfAtMost500() {
        TelemetryClient client = optedIn();
        for (int i = 0; i < 1_201; i++) {
            client.capture("stop", Map.of("uptime_s", i));
        }

        assertThat(client.push(TIMEOUT)).isEqualTo(new PushOutcome(1_201, 0));

        assertThat(services.batchSizes).containsExactly(500, 500, 201);
        assertThat(services.pushedEvents).extracting(event -> event.get("data").get("uptime_s").asInt())
                .isSorted().hasSize(1_201);
    }

    @Test
    void theSpoolKeepsTheNewest10000EventsOfTheLast30DaysAndIsBoundedOnDiskEvenWhileNothingGetsThrough()
            throws IOException {
        TelemetryClient client = optedIn();
        client.push(TIMEOUT);
        Instant now = fixture.clock.instant();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lines.add(event("expired", now.minus(Duration.ofDays(30)).minusSeconds(60 - i), i));
        }
        for (int i = 0; i < 10_050; i++) {
            lines.add(event("stop", now.minus(Duration.ofDays(29)).plusSeconds(i), i));
        }
        Files.write(fixture.spool(), lines);
        services.collector = events -> new StandInServices.Answer(503, "{}", "30");

        assertThat(client.push(TIMEOUT)).isEqualTo(new PushOutcome(0, 10_000));
        assertThat(Files.readAllLines(fixture.spool())).as("bounded on disk by the failed attempt").hasSize(10_000);

        fixture.clock.move(Duration.ofSeconds(31));
        services.collector = events -> new StandInServices.Answer(200, StandInServices.results(events, "accepted"),
                null);
        services.pushedEvents.clear();
        services.batchSizes.clear();
        assertThat(client.push(TIMEOUT)).isEqualTo(new PushOutcome(10_000, 0));
        assertThat(services.batchSizes).hasSize(20).allMatch(size -> size == 500);
        assertThat(services.pushedEvents).extracting(event -> event.get("data").get("uptime_s").asInt())
                .as("the oldest 50 went first, the expired ones were never sent").first().isEqualTo(50);
        assertThat(pushedKinds()).doesNotContain("expired");
    }

    private String event(String kind, Instant timestamp, int n) {
        return "{\"id\":\"" + UUID.randomUUID() + "\",\"event\":\"" + kind + "\",\"timestamp\":\"" + timestamp
                + "\",\"anonymousId\":\"" + client().anonymousId()
                + "\",\"os\":\"linux\",\"build\":\"0.0.1234\",\"data\":{\"uptime_s\":" + n + "}}";
    }

    @Test
    void rateLimitedPushWaitsRetryAfterThenResumes() {
        TelemetryClient client = optedIn();
        client.capture("start_begin", Map.of());
        services.collector = events -> new StandInServices.Answer(429,
                "{\"type\": \"urn:telemetry:problem:rate-limited\"}", "120");

        assertThat(client.push(TIMEOUT)).isEqualTo(new PushOutcome(0, 1));
        services.collector = events -> new StandInServices.Answer(200, StandInServices.results(events, "accepted"),
                null);
        fixture.clock.move(Duration.ofSeconds(119));
        assertThat(client.push(TIMEOUT)).as("within Retry-After").isEqualTo(new PushOutcome(0, 1));
        assertThat(services.calls).containsExactly("consent true", "push");

        fixture.clock.move(Duration.ofSeconds(2));
        assertThat(client.push(TIMEOUT)).isEqualTo(new PushOutcome(1, 0));
        assertThat(services.calls).containsExactly("consent true", "push", "push");
    }

    @Test
    void unavailableCollectorKeepsEverythingAndResumesAfterRetryAfter() {
        TelemetryClient client = optedIn();
        client.capture("start_begin", Map.of());
        client.capture("stop", Map.of());
        services.collector = events -> new StandInServices.Answer(503,
                "{\"type\": \"urn:telemetry:problem:log-unavailable\"}", "30");

        assertThat(client.push(TIMEOUT)).isEqualTo(new PushOutcome(0, 2));
        fixture.clock.move(Duration.ofSeconds(10));
        assertThat(client.push(TIMEOUT)).isEqualTo(new PushOutcome(0, 2));
        assertThat(services.calls).containsExactly("consent true", "push");

        services.collector = events -> new StandInServices.Answer(200, StandInServices.results(events, "accepted"),
                null);
        fixture.clock.move(Duration.ofSeconds(21));
        assertThat(client.push(TIMEOUT)).isEqualTo(new PushOutcome(2, 0));
        assertThat(pushedKinds()).containsExactly("start_begin", "stop", "start_begin", "stop");
    }

    @Test
    void turningOffSendsTelemetryOffBeforeTheOptOutThenCapturesNothing() {
        TelemetryClient client = optedIn();
        client.push(TIMEOUT);
        client.capture("bosh", Map.of());

        client.turnOff();
        client.capture("start_begin", Map.of());

        assertThat(services.calls).as("nothing on the command's path").containsExactly("consent true");
        assertThat(client.status().state()).isEqualTo(State.OFF);
        assertThat(client.push(TIMEOUT)).isEqualTo(new PushOutcome(2, 0));
        assertThat(services.calls).containsExactly("consent true", "push", "consent false");
        assertThat(pushedKinds()).containsExactly("bosh", "telemetry_off");
        assertThat(fixture.spool()).doesNotExist();
        assertThat(client.push(TIMEOUT)).isEqualTo(new PushOutcome(0, 0));
        assertThat(services.calls).hasSize(3);
    }

    @Test
    void anOptOutIsSentOnlyOnceWhatWasCapturedBeforeItGotThrough() {
        TelemetryClient client = optedIn();
        client.push(TIMEOUT);
        client.capture("bosh", Map.of());
        client.turnOff();
        services.collector = events -> new StandInServices.Answer(503, "{}", "30");

        assertThat(client.push(TIMEOUT)).isEqualTo(new PushOutcome(0, 2));
        assertThat(services.calls).containsExactly("consent true", "push");

        services.collector = events -> new StandInServices.Answer(200, StandInServices.results(events, "accepted"),
                null);
        fixture.clock.move(Duration.ofSeconds(31));
        assertThat(client.push(TIMEOUT)).isEqualTo(new PushOutcome(2, 0));
        assertThat(services.calls).containsExactly("consent true", "push", "push", "consent false");
    }

    @Test
    void erasureIsRequestedWithTheAnonymousIdThenTelemetryIsOffAndTheSpoolEmpty() {
        TelemetryClient client = optedIn();
        client.push(TIMEOUT);
        client.capture("start_begin", Map.of("cpus", 4));

        assertThat(client.requestErasure(TIMEOUT)).contains("r-1");

        assertThat(services.calls).containsExactly("consent true", "erase /v1/consent/data");
        assertThat(client.status().state()).isEqualTo(State.OFF);
        assertThat(client.push(TIMEOUT)).isEqualTo(new PushOutcome(0, 0));
        assertThat(services.calls).hasSize(2);
        assertThat(fixture.spool()).doesNotExist();
    }

    @Test
    void debugModePrintsWhatWouldBeSentAndSendsNothing() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        fixture.environment.put("CF_DEV_TELEMETRY", "debug");
        TelemetryClient client = fixture.builder(services.uri(), true)
                .debugOutput(new PrintStream(printed, true, StandardCharsets.UTF_8)).build();
        client.answerPrompt(true);
        client.capture("org_created", Map.of());

        Set<Long> before = Fixture.children();
        client.sendInBackground();

        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("consent optIn=true")
                .contains("\"event\":\"org_created\"");
        assertThat(client.push(TIMEOUT)).as("nothing leaves the spool").isEqualTo(new PushOutcome(0, 1));
        assertThat(services.calls).isEmpty();
        assertThat(Fixture.children()).isSubsetOf(before);
    }

    @Test
    void aTornLastLineIsSkippedAndTheNextEventStartsOnAFreshLine() throws IOException {
        TelemetryClient client = optedIn();
        client.capture("stop", Map.of());
        Files.writeString(fixture.spool(), "{\"id\": \"torn", StandardOpenOption.APPEND);

        client.capture("bosh", Map.of());

        assertThat(client.push(TIMEOUT)).isEqualTo(new PushOutcome(2, 0));
        assertThat(pushedKinds()).containsExactly("stop", "bosh");
    }
}
