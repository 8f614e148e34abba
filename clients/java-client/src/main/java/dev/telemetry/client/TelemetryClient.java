package dev.telemetry.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Telemetry for a CLI, as its users were promised: off until the user opts in at an interactive prompt, off whatever
 * was answered when {@code DO_NOT_TRACK=1} or the tool's own switch says {@code off}, nothing captured or sent while
 * off. Capture only appends to a local spool; {@link #push} sends it in gzip batches and honours every answer of the
 * collector. No method throws: telemetry never breaks the CLI.
 */
public final class TelemetryClient {

    static final int BATCH = 500;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> DONE = Set.of("accepted", "duplicate", "rejected");

    private final ClientSettings settings;
    private final Map<String, String> environment;
    private final boolean interactive;
    private final HttpClient http;
    private final Clock clock;
    private final PrintStream debugOut;
    private final String machineValue;
    private final Spool spool;
    private final Path consentFile;
    private final Path backoffFile;

    private TelemetryClient(Builder builder) {
        this.settings = builder.settings;
        this.environment = builder.environment;
        this.interactive = builder.interactive;
        this.http = builder.http;
        this.clock = builder.clock;
        this.debugOut = builder.debugOut;
        this.machineValue = builder.machineValue;
        this.spool = new Spool(settings.home().resolve("spool.jsonl"));
        this.consentFile = settings.home().resolve("consent.properties");
        this.backoffFile = settings.home().resolve("backoff.properties");
    }

    /** A client for this process: its environment, interactive when there is a console, the OS machine id. */
    public static TelemetryClient create(ClientSettings settings) {
        return builder(settings).build();
    }

    public static Builder builder(ClientSettings settings) {
        return new Builder(settings);
    }

    /** Everything {@link #create} takes from the process, for CLIs (and their tests) that know better. */
    public static final class Builder {
        private final ClientSettings settings;
        private Map<String, String> environment = System.getenv();
        private boolean interactive = System.console() != null;
        private HttpClient http;
        private Clock clock = Clock.systemUTC();
        private PrintStream debugOut = System.err;
        private String machineValue;

        private Builder(ClientSettings settings) {
            this.settings = settings;
        }

        /** Where {@code DO_NOT_TRACK} and the tool's switch are read from. */
        public Builder environment(Map<String, String> environment) {
            this.environment = environment;
            return this;
        }

        /** Whether a person can answer the prompt (e.g. false under the CLI's own {@code --no-input}). */
        public Builder interactive(boolean interactive) {
            this.interactive = interactive;
            return this;
        }

        public Builder http(HttpClient http) {
            this.http = http;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Where debug mode prints what it would send. */
        public Builder debugOutput(PrintStream debugOut) {
            this.debugOut = debugOut;
            return this;
        }

        /**
         * The stable per-machine value the anonymous ID is hashed from, instead of the OS machine id: for machines
         * without one, or container images that all share the same one.
         */
        public Builder machineValue(String machineValue) {
            this.machineValue = machineValue;
            return this;
        }

        public TelemetryClient build() {
            if (http == null) {
                http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(2)).build();
            }
            return new TelemetryClient(this);
        }
    }

    /** {@code DO_NOT_TRACK=1} or {@code <SWITCH>=off} turn telemetry off whatever the user answered. */
    public boolean forcedOff() {
        String tool = environment.getOrDefault(settings.environmentSwitch(), "");
        return "1".equals(environment.get("DO_NOT_TRACK")) || tool.equalsIgnoreCase("off")
                || tool.equalsIgnoreCase("false") || tool.equals("0");
    }

    /** {@code <SWITCH>=debug}: prints what would be sent and sends nothing. */
    public boolean debug() {
        return environment.getOrDefault(settings.environmentSwitch(), "").equalsIgnoreCase("debug");
    }

    public boolean enabled() {
        return !forcedOff() && "true".equals(consent().getProperty("optIn"));
    }

    /** Ask only a person at a terminal who has never answered; in CI or without a TTY telemetry simply stays off. */
    public boolean shouldPrompt() {
        return interactive && !forcedOff() && consent().getProperty("optIn") == null;
    }

    public String anonymousId() {
        return machineValue == null ? MachineId.anonymousId(settings.home()) : MachineId.anonymousIdOf(machineValue);
    }

    /** The answer to the first-run prompt. */
    public void answerPrompt(boolean optIn) {
        record(optIn, "prompt");
    }

    /** {@code telemetry --on}. */
    public void turnOn() {
        record(true, "toggle");
    }

    /**
     * {@code telemetry --off}: records {@code telemetry_off}, pushes it with whatever is spooled, opts out, and clears
     * the spool. From then on nothing is captured or sent.
     */
    public void turnOff(Duration timeout) {
        if (enabled()) {
            capture("telemetry_off", Map.of());
            push(timeout);
        }
        record(false, "toggle");
        spool.clear();
    }

    /**
     * {@code telemetry --erase}: asks the consent service to erase everything this machine contributed to unpublished
     * reports, then turns telemetry off here and clears the spool. Returns the receipt to check the erasure with
     * ({@code GET /v1/erasures/{receipt}}), or empty if the service could not be reached: nothing changed, ask again.
     */
    public Optional<String> requestErasure(Duration timeout) {
        if (debug()) {
            debugOut.println("telemetry (debug, not sent): erasure request for " + anonymousId());
            return Optional.empty();
        }
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest
                    .newBuilder(settings.consent().resolve("/v1/consent/" + anonymousId() + "/data"))
                    .timeout(timeout)
                    .header("Authorization", "Bearer " + settings.apiKey())
                    .DELETE().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 202) {
                return Optional.empty();
            }
            String receipt = JSON.readTree(response.body()).path("receipt").asText(null);
            Properties consent = consent();
            consent.setProperty("optIn", "false");
            consent.setProperty("answeredAt", clock.instant().toString());
            store(consentFile, consent);
            spool.clear();
            return Optional.ofNullable(receipt);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    public String status() {
        if (forcedOff()) {
            return "off (forced by the environment)";
        }
        String optIn = consent().getProperty("optIn");
        return optIn == null ? "not answered (off)" : "true".equals(optIn) ? "on" : "off";
    }

    /** Appends an event to the spool if telemetry is on; a few milliseconds at most, never an exception. */
    public void capture(String kind, Map<String, Object> data) {
        if (!enabled()) {
            return;
        }
        try {
            ObjectNode event = JSON.createObjectNode();
            event.put("id", UUID.randomUUID().toString());
            event.put("event", kind);
            event.put("timestamp", clock.instant().truncatedTo(ChronoUnit.MILLIS).toString());
            event.put("anonymousId", anonymousId());
            event.put("os", settings.os());
            event.put("build", settings.build());
            event.set("data", JSON.valueToTree(data));
            spool.append(event);
        } catch (RuntimeException e) {
            // telemetry must never break the CLI
        }
    }

    /** Result of a push: how many events went out and how many are still spooled. */
    public record PushOutcome(int sent, int kept) {
    }

    /**
     * Sends the spool in batches of at most 500, gzip-encoded, within {@code timeout}. Accepted, duplicate and rejected
     * events leave the spool; {@code retry} ones stay. 429 and 503 defer the next push by {@code Retry-After}; other
     * failures back off exponentially. Call it in the background or at exit.
     */
    public PushOutcome push(Duration timeout) {
        Instant now = clock.instant();
        List<ObjectNode> events = spool.read(now);
        if (!enabled() || events.isEmpty() || now.isBefore(nextAttempt())) {
            return new PushOutcome(0, events.size());
        }
        int sent = 0;
        try {
            for (int from = 0; from < events.size(); from += BATCH) {
                List<ObjectNode> batch = events.subList(from, Math.min(events.size(), from + BATCH));
                if (debug()) {
                    debugOut.println("telemetry (debug, not sent): " + body(batch));
                    continue;
                }
                HttpResponse<byte[]> response = http
                        .send(HttpRequest.newBuilder(settings.collector().resolve("/v1/events"))
                                .timeout(timeout)
                                .header("Authorization", "Bearer " + settings.apiKey())
                                .header("Content-Type", "application/json")
                                .header("Content-Encoding", "gzip")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(body(batch))))
                                .build(), HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    deferAfter(response);
                    break;
                }
                sent += batch.size();
                List<String> done = new ArrayList<>();
                for (JsonNode result : JSON.readTree(response.body()).get("results")) {
                    if (DONE.contains(result.path("status").asText()) && result.hasNonNull("id")) {
                        done.add(result.get("id").asText());
                    }
                }
                spool.remove(done, now);
                clearBackoff();
            }
        } catch (IOException | RuntimeException e) {
            backOff();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new PushOutcome(sent, spool.read(now).size());
    }

    private void record(boolean optIn, String source) {
        Properties consent = consent();
        consent.setProperty("optIn", Boolean.toString(optIn));
        consent.setProperty("answeredAt", clock.instant().toString());
        try {
            store(consentFile, consent);
        } catch (UncheckedIOException e) {
            return;
        }
        if (forcedOff() || debug()) {
            return;
        }
        ObjectNode body = JSON.createObjectNode().put("optIn", optIn).put("os", settings.os())
                .put("build", settings.build()).put("source", source);
        try {
            http.send(HttpRequest.newBuilder(settings.consent().resolve("/v1/consent/" + anonymousId()))
                    .timeout(Duration.ofSeconds(3))
                    .header("Authorization", "Bearer " + settings.apiKey())
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException | RuntimeException e) {
            // the local answer stands; the CLI answers the prompt again only if the server never heard it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deferAfter(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status == 429 || status == 503) {
            long seconds = response.headers().firstValueAsLong("Retry-After").orElse(60);
            defer(Duration.ofSeconds(Math.max(1, seconds)), 0);
        } else {
            backOff();
        }
    }

    /** 1 minute, doubling up to 1 hour. */
    private void backOff() {
        int failures = Integer.parseInt(load(backoffFile).getProperty("failures", "0")) + 1;
        defer(Duration.ofMinutes(Math.min(60, 1L << Math.min(6, failures - 1))), failures);
    }

    private void defer(Duration wait, int failures) {
        Properties backoff = new Properties();
        backoff.setProperty("nextAttempt", clock.instant().plus(wait).toString());
        backoff.setProperty("failures", Integer.toString(failures));
        try {
            store(backoffFile, backoff);
        } catch (UncheckedIOException e) {
            // without a stored backoff the next push simply tries again
        }
    }

    private void clearBackoff() {
        try {
            Files.deleteIfExists(backoffFile);
        } catch (IOException e) {
            // harmless: the next push overwrites it
        }
    }

    private Instant nextAttempt() {
        String next = load(backoffFile).getProperty("nextAttempt");
        return next == null ? Instant.EPOCH : Instant.parse(next);
    }

    private Properties consent() {
        return load(consentFile);
    }

    private static String body(List<ObjectNode> batch) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode events = body.putArray("events");
        batch.forEach(events::add);
        return body.toString();
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static Properties load(Path file) {
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (var in = Files.newInputStream(file)) {
                properties.load(in);
            } catch (IOException e) {
                // unreadable state counts as none
            }
        }
        return properties;
    }

    private static void store(Path file, Properties properties) {
        try {
            Files.createDirectories(file.getParent());
            try (var out = Files.newOutputStream(file)) {
                properties.store(out, null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
