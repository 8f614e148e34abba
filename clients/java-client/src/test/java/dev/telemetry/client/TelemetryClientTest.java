package dev.telemetry.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/** The client against a stand-in collector and consent service (an in-process HTTP server): a true unit test. */
class TelemetryClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    @TempDir
    Path home;

    private HttpServer server;
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<JsonNode> pushedEvents = new CopyOnWriteArrayList<>();
    /** How the stand-in collector answers a push: given the events, status and body. */
    private Function<List<JsonNode>, Object[]> collector = events -> new Object[]{200, results(events, "accepted")};
    private final Map<String, String> environment = new HashMap<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/events", exchange -> {
            calls.add("push");
            assertThat(exchange.getRequestHeaders().getFirst("Content-Encoding")).isEqualTo("gzip");
            assertThat(exchange.getRequestHeaders().getFirst("Authorization")).isEqualTo("Bearer key");
            List<JsonNode> events = new ArrayList<>();
            try (InputStream in = new GZIPInputStream(exchange.getRequestBody())) {
                JSON.readTree(in).get("events").forEach(events::add);
            }
            pushedEvents.addAll(events);
            Object[] answer = collector.apply(events);
            if (answer.length > 2) {
                exchange.getResponseHeaders().add("Retry-After", (String) answer[2]);
            }
            byte[] body = ((String) answer[1]).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders((int) answer[0], body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/v1/consent/", exchange -> {
            if (exchange.getRequestMethod().equals("DELETE")) {
                calls.add("erase " + exchange.getRequestURI().getPath());
                byte[] body = "{\"receipt\": \"r-1\", \"status\": \"pending\"}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(202, body.length);
                exchange.getResponseBody().write(body);
            } else {
                calls.add("consent " + JSON.readTree(exchange.getRequestBody()).get("optIn").asBoolean());
                exchange.sendResponseHeaders(200, -1);
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private TelemetryClient client(boolean interactive, PrintStream debug) {
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        return TelemetryClient
                .builder(new ClientSettings(base, base, "key", home, "linux", "0.0.1234", "CF_DEV_TELEMETRY"))
                .environment(environment).interactive(interactive).clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .debugOutput(debug).build();
    }

    private TelemetryClient client() {
        return client(true, System.err);
    }

    private static String results(List<JsonNode> events, String... statuses) {
        StringBuilder results = new StringBuilder("{\"results\": [");
        for (int i = 0; i < events.size(); i++) {
            String status = statuses.length == 1 ? statuses[0] : statuses[i];
            results.append(i == 0 ? "" : ",").append("{\"index\": ").append(i).append(", \"id\": \"")
                    .append(events.get(i).get("id").asText()).append("\", \"status\": \"").append(status).append("\"}");
        }
        return results.append("]}").toString();
    }

    @Test
    void withoutATerminalNobodyIsAskedAndNothingIsCaptured() {
        TelemetryClient client = client(false, System.err);

        client.capture("start_begin", Map.of());

        assertThat(client.shouldPrompt()).isFalse();
        assertThat(client.enabled()).isFalse();
        assertThat(client.push(Duration.ofSeconds(2))).isEqualTo(new TelemetryClient.PushOutcome(0, 0));
        assertThat(calls).isEmpty();
    }

    @Test
    void doNotTrackOrTheToolSwitchTurnItOffWhateverWasAnswered() {
        TelemetryClient client = client();
        client.answerPrompt(true);
        environment.put("DO_NOT_TRACK", "1");

        client.capture("start_begin", Map.of());

        assertThat(client.enabled()).isFalse();
        assertThat(client.status()).isEqualTo("off (forced by the environment)");
        environment.clear();
        environment.put("CF_DEV_TELEMETRY", "off");
        assertThat(client.enabled()).isFalse();
        assertThat(client.push(Duration.ofSeconds(2)).sent()).isZero();
    }

    @Test
    void optInIsAskedOnceAndSentToTheConsentService() {
        TelemetryClient client = client();
        assertThat(client.shouldPrompt()).isTrue();

        client.answerPrompt(true);

        assertThat(client.shouldPrompt()).isFalse();
        assertThat(client.enabled()).isTrue();
        assertThat(calls).containsExactly("consent true");
        assertThat(client.anonymousId()).matches("[0-9a-f]{64}").isEqualTo(client().anonymousId());
    }

    @Test
    void aGivenMachineValueReplacesTheOsMachineIdInTheHash() {
        ClientSettings settings = new ClientSettings(URI.create("http://127.0.0.1:1"), URI.create("http://127.0.0.1:1"),
                "key", home, "linux", "0.0.1234", "CF_DEV_TELEMETRY");

        String id = TelemetryClient.builder(settings).machineValue("container-7").build().anonymousId();

        assertThat(id).isEqualTo(MachineId.sha256("telemetry-anonymous-id:container-7"))
                .isNotEqualTo(TelemetryClient.builder(settings).machineValue("container-8").build().anonymousId())
                .isNotEqualTo(client().anonymousId());
    }

    @Test
    void pushDropsWhatTheCollectorSettledAndKeepsRetries() {
        TelemetryClient client = client();
        client.answerPrompt(true);
        client.capture("start_begin", Map.of("cpus", 4));
        client.capture("start_end", Map.of());
        client.capture("stop", Map.of());
        collector = events -> new Object[]{200, results(events, "accepted", "rejected", "retry")};

        TelemetryClient.PushOutcome outcome = client.push(Duration.ofSeconds(2));

        assertThat(outcome).isEqualTo(new TelemetryClient.PushOutcome(3, 1));
        assertThat(pushedEvents).extracting(e -> e.get("event").asText())
                .containsExactly("start_begin", "start_end", "stop");
        assertThat(pushedEvents.get(0).get("data").get("cpus").asInt()).isEqualTo(4);
        assertThat(pushedEvents.get(0).get("anonymousId").asText()).isEqualTo(client.anonymousId());
        collector = events -> new Object[]{200, results(events, "accepted")};
        client.push(Duration.ofSeconds(2));
        assertThat(pushedEvents).extracting(e -> e.get("event").asText()).last().isEqualTo("stop");
        assertThat(client.push(Duration.ofSeconds(2))).isEqualTo(new TelemetryClient.PushOutcome(0, 0));
    }

    @Test
    void unavailableCollectorKeepsEverythingAndDefersByRetryAfter() {
        TelemetryClient client = client();
        client.answerPrompt(true);
        client.capture("start_begin", Map.of());
        collector = events -> new Object[]{503, "{\"type\": \"urn:telemetry:problem:log-unavailable\"}", "30"};

        assertThat(client.push(Duration.ofSeconds(2))).isEqualTo(new TelemetryClient.PushOutcome(0, 1));
        client.push(Duration.ofSeconds(2));

        assertThat(calls).containsExactly("consent true", "push");
    }

    @Test
    void turningOffSendsTelemetryOffBeforeOptingOutThenCapturesNothing() {
        TelemetryClient client = client();
        client.answerPrompt(true);
        client.capture("bosh", Map.of());

        client.turnOff(Duration.ofSeconds(2));
        client.capture("start_begin", Map.of());

        assertThat(calls).containsExactly("consent true", "push", "consent false");
        assertThat(pushedEvents).extracting(e -> e.get("event").asText()).containsExactly("bosh", "telemetry_off");
        assertThat(client.enabled()).isFalse();
        assertThat(client.push(Duration.ofSeconds(2)).kept()).isZero();
        assertThat(home.resolve("spool.jsonl")).doesNotExist();
    }

    @Test
    void erasureIsRequestedWithTheAnonymousIdThenTelemetryIsOffAndTheSpoolEmpty() {
        TelemetryClient client = client();
        client.answerPrompt(true);
        client.capture("start_begin", Map.of("cpus", 4));

        assertThat(client.requestErasure(Duration.ofSeconds(2))).contains("r-1");

        assertThat(calls).containsExactly("consent true", "erase /v1/consent/" + client.anonymousId() + "/data");
        assertThat(client.status()).isEqualTo("off");
        assertThat(client.push(Duration.ofSeconds(2))).isEqualTo(new TelemetryClient.PushOutcome(0, 0));
        assertThat(home.resolve("spool.jsonl")).doesNotExist();
    }

    @Test
    void debugModePrintsWhatWouldBeSentAndSendsNothing() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        environment.put("CF_DEV_TELEMETRY", "debug");
        TelemetryClient client = client(true, new PrintStream(printed, true, StandardCharsets.UTF_8));
        client.answerPrompt(true);
        client.capture("org_created", Map.of());

        client.push(Duration.ofSeconds(2));

        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("\"event\":\"org_created\"");
        assertThat(calls).isEmpty();
    }

    @Test
    void spoolSurvivesATornLastLine() throws IOException {
        TelemetryClient client = client();
        client.answerPrompt(true);
        client.capture("stop", Map.of());
        Files.writeString(home.resolve("spool.jsonl"), "{\"id\": \"torn", java.nio.file.StandardOpenOption.APPEND);

        assertThat(client.push(Duration.ofSeconds(2))).isEqualTo(new TelemetryClient.PushOutcome(1, 0));
        assertThat(pushedEvents).hasSize(1);
    }
}
