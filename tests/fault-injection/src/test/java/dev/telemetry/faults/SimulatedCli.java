package dev.telemetry.faults;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.telemetry.client.ClientSettings;
import dev.telemetry.client.TelemetryClient;
import dev.telemetry.client.TelemetryClient.PushOutcome;

/**
 * One CLI installation: the reference client with its own home and machine value, driven as a user would (opt in,
 * commands that capture events, {@code --off}, {@code --on}, {@code --erase}). Every answer the client gets is
 * written into the {@link GroundTruth}, as the client read it. One thread drives a CLI at a time.
 */
final class SimulatedCli implements RecordingHttp.Listener {

    static final Duration PUSH_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    final String name;
    final String phase;
    private final Path home;
    private final URI collector;
    private final GroundTruth truth;
    private final TelemetryClient client;
    /** The answer the user gave last, which the next consent acknowledgement is about. */
    private volatile boolean optIn;

    SimulatedCli(String name, String phase, Path home, URI collector, URI consent, String ingestKey,
            GroundTruth truth) {
        this.name = name;
        this.phase = phase;
        this.home = home.resolve(name);
        this.collector = collector;
        this.truth = truth;
        this.client = TelemetryClient.builder(new ClientSettings(collector, consent, ingestKey, this.home, "linux",
                "1.0.0", "CF_DEV_TELEMETRY"))
                .machineValue("fault-injection-" + name).environment(Map.of()).interactive(true)
                .http(new RecordingHttp(this)).build();
    }

    String anonymousId() {
        return client.anonymousId();
    }

    boolean optedIn() {
        return optIn;
    }

    boolean erased() {
        return truth.isErased(this);
    }

    /** The first-run prompt, answered yes; then what the background sender would send. */
    void optIn() {
        optIn = true;
        client.answerPrompt(true);
        push();
    }

    /** One command: a few events, then the push its background sender would make. */
    void command(Random random) {
        client.capture("start_begin", Map.of("cpus", 2 + random.nextInt(6), "memory_mb", 8192));
        if (random.nextInt(5) == 0) {
            client.capture("error", Map.of("code", "vm_start_failed", "command", "start"));
        } else {
            client.capture("start_end", Map.of("duration_s", 60 + random.nextInt(600)));
            client.capture("stop", Map.of("uptime_s", 600 + random.nextInt(3600)));
        }
        push();
    }

    /** {@code telemetry --off}: {@code telemetry_off} and the spool go out first, then the opt-out. */
    void turnOff() {
        optIn = false;
        client.turnOff();
        push();
    }

    /** {@code telemetry --on}. */
    void turnOn() {
        optIn = true;
        client.turnOn();
        push();
    }

    /** {@code telemetry --erase}, after the spool went out; true once consent-service gave a receipt. */
    boolean erase() {
        if (!settled()) {
            return false;
        }
        boolean receipt = client.requestErasure(PUSH_TIMEOUT).isPresent();
        if (receipt) {
            optIn = false;
            truth.erased(this);
        }
        return receipt;
    }

    /**
     * What the background sender does, without its wait: a real CLI sits out its backoff (1 minute and more, or
     * {@code Retry-After}) before the next command sends again; here the next command comes at once.
     */
    PushOutcome push() {
        try {
            Files.deleteIfExists(home.resolve("backoff.properties"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return client.push(PUSH_TIMEOUT);
    }

    /** Nothing spooled and the last answer acknowledged by consent-service. */
    boolean settled() {
        String answer = load("consent.properties").getProperty("answerId");
        boolean answerSent = answer == null || answer.equals(load("consent-sent.properties").getProperty("answerId"));
        return answerSent && !hasSpooledEvents();
    }

    private boolean hasSpooledEvents() {
        Path spool = home.resolve("spool.jsonl");
        if (!Files.exists(spool)) {
            return false;
        }
        try (Stream<String> lines = Files.lines(spool)) {
            return lines.anyMatch(line -> !line.isBlank());
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void sending(HttpRequest request) {
        if (isPush(request)) {
            truth.pushStarted();
        }
    }

    @Override
    public void answered(HttpRequest request, HttpResponse<?> response) {
        if (isPush(request)) {
            truth.pushEnded(Integer.toString(response.statusCode()));
            if (response.statusCode() == 200 && response.body() instanceof byte[] body) {
                try {
                    for (JsonNode result : JSON.readTree(body).path("results")) {
                        truth.event(this, result.path("id").asText(), result.path("status").asText());
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(name + ": unreadable push answer", e);
                }
            }
        } else if (isConsentDecision(request) && response.statusCode() / 100 == 2) {
            truth.decision(this, optIn);
        }
    }

    @Override
    public void failed(HttpRequest request, Exception failure) {
        if (isPush(request)) {
            truth.pushEnded(failure.getClass().getSimpleName());
        }
    }

    private boolean isPush(HttpRequest request) {
        return Objects.equals(request.uri().getPort(), collector.getPort())
                && request.uri().getPath().equals("/v1/events");
    }

    /** The consent {@code PUT} (whatever shape its path has): every other consent call is GET or DELETE. */
    private boolean isConsentDecision(HttpRequest request) {
        return request.uri().getPort() != collector.getPort()
                && !request.method().equals("GET") && !request.method().equals("DELETE");
    }

    private Properties load(String file) {
        Properties properties = new Properties();
        Path path = home.resolve(file);
        if (Files.exists(path)) {
            try (InputStream in = Files.newInputStream(path)) {
                properties.load(in);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return properties;
    }

    @Override
    public String toString() {
        return name;
    }
}
