package dev.telemetry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.telemetry.client.TelemetryClient.PushOutcome;
import dev.telemetry.client.TelemetryClient.State;

/**
 * Where CLIs run: read-only or full disks, corrupted files, clocks that jump, no network, a proxy. The CLI's command
 * always completes (no method throws), and the client works again once things are fine.
 */
class HostileEnvironmentTest extends AgainstStandInServices {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private TelemetryClient client() {
        return fixture.client(services.uri(), true);
    }

    /**
     * Nothing can be created in this HOME: the directory it would live in is a regular file, which stops root too
     * (who runs these tests here, and whom a read-only mode would not stop).
     */
    @Test
    void aReadOnlyHomeLosesTheAnswerAndTheEventsButNeverTheCommandAndWorksOnceWritable() throws IOException {
        Path userHome = fixture.home.getParent().getParent();
        Files.createDirectories(userHome.getParent());
        Files.writeString(userHome, "not a directory");
        TelemetryClient client = client();

        client.answerPrompt(true);
        client.capture("start_begin", Map.of());
        client.sendInBackground();
        PushOutcome pushed = client.push(TIMEOUT);

        assertThat(pushed).isEqualTo(new PushOutcome(0, 0));
        assertThat(client.shouldPrompt()).as("the answer could not be kept: asked again next time").isTrue();
        assertThat(services.calls).isEmpty();

        Files.delete(userHome);
        client.answerPrompt(true);
        client.capture("start_begin", Map.of());
        assertThat(client.push(TIMEOUT)).isEqualTo(new PushOutcome(1, 0));
        assertThat(services.calls).containsExactly("consent true", "push");
    }

    /**
     * A full disk, for real: the demo CLI runs in its own JVM under a file size limit ({@code ulimit -f}), so the
     * kernel refuses to grow the spool as it refuses a write on a full disk (an I/O error from {@code write}). The
     * command prints its output and exits 0; once the limit is gone, capture and push work again.
     */
    @Test
    void aFullDiskLosesTheEventButNotTheCommandAndTheSpoolRecovers() throws Exception {
        Path userHome = root.resolve("demo-home");
        Path telemetryHome = userHome.resolve(".cf-dev-demo").resolve("telemetry");
        Files.createDirectories(telemetryHome);
        List<String> spooled = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            spooled.add("{\"id\":\"" + UUID.randomUUID() + "\",\"event\":\"stop\",\"timestamp\":\""
                    + Instant.now().minusSeconds(60) + "\",\"anonymousId\":\"" + "0".repeat(64)
                    + "\",\"os\":\"linux\",\"build\":\"0.0.1\",\"data\":{\"uptime_s\":" + i + "}}");
        }
        Files.write(telemetryHome.resolve("spool.jsonl"), spooled);
        assertThat(Files.size(telemetryHome.resolve("spool.jsonl"))).isGreaterThan(4 * 1024);
        services.holdAnswers();

        ProcessBuilder demo = new ProcessBuilder("bash", "-c", "ulimit -f 4 && exec \"$@\"", "limited",
                ProcessHandle.current().info().command().orElseThrow(), "-XX:-UsePerfData",
                "-Duser.home=" + userHome, "-cp", System.getProperty("java.class.path"),
                "dev.telemetry.client.demo.CfDevDemo", "start").redirectErrorStream(true);
        demo.environment().clear();
        demo.environment().putAll(Map.of("PATH", System.getenv("PATH"), "CF_DEV_TELEMETRY", "on",
                "TELEMETRY_COLLECTOR_URL", services.uri().toString(), "TELEMETRY_CONSENT_URL",
                services.uri().toString(), "INGEST_API_KEY", "key"));
        Process run = demo.start();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as(output).isZero();
        assertThat(output).contains("CF Dev is running.");
        assertThat(Files.readAllLines(telemetryHome.resolve("spool.jsonl")))
                .as("the disk was full: start_begin and start_end were lost, nothing else").hasSize(40);

        TelemetryClient recovered = TelemetryClient
                .builder(new ClientSettings(services.uri(), services.uri(), "key", telemetryHome, "linux", "0.0.1",
                        "CF_DEV_TELEMETRY"))
                .environment(Map.of("CF_DEV_TELEMETRY", "on")).interactive(false).policyFile(fixture.policyFile)
                .workingDirectory(fixture.project).build();
        recovered.capture("stop", Map.of("uptime_s", 99));
        services.answer();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            recovered.push(TIMEOUT);
            assertThat(Files.readAllLines(telemetryHome.resolve("spool.jsonl"))).isEmpty();
        });
        assertThat(services.pushedEvents).extracting(event -> event.get("event").asText())
                .doesNotContain("start_begin", "start_end");
        assertThat(services.pushedEvents).extracting(event -> event.get("data").path("uptime_s").asInt())
                .contains(0, 39, 99);
        Fixture.awaitNoSender(telemetryHome);
    }

    @Test
    void corruptedStateFilesCountAsNoneAndAreReplaced() throws IOException {
        TelemetryClient client = client();
        client.answerPrompt(true);
        client.capture("start_begin", Map.of());
        byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0, 1, 2, '\n', (byte) 0xc3, '=', '\\'};
        Files.write(fixture.home.resolve("consent.properties"), garbage);
        Files.writeString(fixture.home.resolve("backoff.properties"), "nextAttempt=yesterday-ish\nfailures=many\n");
        Files.write(fixture.home.resolve("installation-id"), garbage);
        Files.write(fixture.spool(), garbage, java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(fixture.spool(), "{\"id\": 1, \"timestamp\": \"not a time\"}\n[]\n",
                java.nio.file.StandardOpenOption.APPEND);

        assertThat(client.status().state()).isEqualTo(State.NOT_ANSWERED);
        assertThat(client.shouldPrompt()).as("an unreadable answer is asked again").isTrue();
        client.answerPrompt(true);
        client.capture("stop", Map.of());

        assertThat(client.push(TIMEOUT)).isEqualTo(new PushOutcome(2, 0));
        assertThat(services.pushedEvents).extracting(event -> event.get("event").asText())
                .containsExactly("start_begin", "stop");
        assertThat(client.anonymousId()).matches("[0-9a-f]{64}");
    }

    @Test
    void aClockThatJumpedBackDoesNotHoldTheSpoolBackForTheLengthOfTheJump() {
        TelemetryClient client = client();
        client.answerPrompt(true);
        client.capture("start_begin", Map.of());
        services.collector = events -> new StandInServices.Answer(503, "{}", "3600");
        assertThat(client.push(TIMEOUT)).isEqualTo(new PushOutcome(0, 1));
        services.collector = events -> new StandInServices.Answer(200, StandInServices.results(events, "accepted"),
                null);

        fixture.clock.move(Duration.ofDays(-2));
        client.capture("stop", Map.of());

        assertThat(client.push(TIMEOUT)).as("a wait ending two days from now was stored before the jump")
                .isEqualTo(new PushOutcome(2, 0));
        fixture.clock.move(Duration.ofDays(3));
        client.capture("bosh", Map.of());
        assertThat(client.push(TIMEOUT)).as("and after the clock jumps forward again").isEqualTo(new PushOutcome(1, 0));
    }

    @Test
    void withoutANetworkTheCommandCompletesAndTheSpoolGoesOutOnceTheCollectorIsBack() throws IOException {
        URI unreachable;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            unreachable = URI.create("http://127.0.0.1:" + closed.getLocalPort());
        }
        TelemetryClient offline = fixture.client(unreachable, true);
        offline.answerPrompt(true);
        offline.capture("start_begin", Map.of());

        assertThat(offline.push(TIMEOUT)).isEqualTo(new PushOutcome(0, 1));
        offline.capture("stop", Map.of());
        assertThat(offline.push(TIMEOUT)).as("backing off").isEqualTo(new PushOutcome(0, 2));

        fixture.clock.move(Duration.ofMinutes(2));
        TelemetryClient online = client();
        assertThat(online.push(TIMEOUT)).isEqualTo(new PushOutcome(2, 0));
        assertThat(services.calls).containsExactly("consent true", "push");
    }

    @Test
    void theProxyFromTheEnvironmentCarriesEveryRequestExceptForNoProxyHosts() {
        fixture.environment.put("HTTP_PROXY", "http://127.0.0.1:" + services.port());
        URI collector = URI.create("http://collector.invalid:8080");
        TelemetryClient proxied = fixture.client(collector, true);
        proxied.answerPrompt(true);
        proxied.capture("start_begin", Map.of());

        assertThat(proxied.push(TIMEOUT)).isEqualTo(new PushOutcome(1, 0));
        assertThat(services.calls).containsExactly("consent true", "push");
        assertThat(services.targets).allMatch(target -> "collector.invalid".equals(target.getHost()));

        fixture.environment.put("no_proxy", "localhost,.invalid");
        fixture.clock.move(Duration.ofHours(2));
        TelemetryClient direct = fixture.client(collector, true);
        direct.capture("stop", Map.of());
        assertThat(direct.push(TIMEOUT)).as("collector.invalid does not resolve").isEqualTo(new PushOutcome(0, 1));
        assertThat(services.calls).hasSize(2);
    }
}
