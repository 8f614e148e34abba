package dev.telemetry.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
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
 * Telemetry for a CLI, as its users were promised. Off until the user opts in at an interactive prompt that says
 * what is collected; off whatever was answered when the organisation, the project, {@code DO_NOT_TRACK}, the tool's
 * switch or a CI environment says so, and then nothing is captured, written or sent. What runs on the command's path
 * ({@link #capture}, {@link #answerPrompt}, {@link #turnOn}, {@link #turnOff}, {@link #sendInBackground}) only touches
 * local owner-only files; the network is used by {@link #push}, which {@link #sendInBackground} runs in a detached
 * process. No method throws: telemetry never breaks the CLI.
 */
public final class TelemetryClient {

    static final int BATCH = 500;
    /** The longest wait the client ever stores; a stored wait beyond it means the clock jumped back. */
    static final Duration LONGEST_WAIT = Duration.ofHours(1);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> DONE = Set.of("accepted", "duplicate", "rejected");

    private final ClientSettings settings;
    private final Map<String, String> environment;
    private final boolean interactive;
    private final Clock clock;
    private final PrintStream debugOut;
    private final String machineValue;
    private final Disclosure disclosure;
    private final Switches switches;
    private final Path policyFile;
    private final Path workingDirectory;
    private final List<String> senderCommand;
    private HttpClient http;
    private final Spool spool;
    private final Path answerFile;
    private final Path answerSentFile;
    private final Path backoffFile;
    private final Path senderLock;
    /** The installation secret, read or created on first need. */
    private byte[] secret;

    private TelemetryClient(Builder builder) {
        this.settings = builder.settings;
        this.environment = Map.copyOf(builder.environment);
        this.interactive = builder.interactive;
        this.http = builder.http;
        this.clock = builder.clock;
        this.debugOut = builder.debugOut;
        this.machineValue = builder.machineValue;
        this.disclosure = builder.disclosure;
        this.policyFile = builder.policyFile != null ? builder.policyFile : Switches.defaultPolicyFile(environment);
        this.workingDirectory = builder.workingDirectory.toAbsolutePath();
        this.senderCommand = builder.senderCommand;
        this.switches = new Switches(environment, settings.environmentSwitch(), policyFile, workingDirectory);
        Path home = settings.home();
        this.spool = new Spool(home.resolve("spool.jsonl"));
        this.answerFile = home.resolve("consent.properties");
        this.answerSentFile = home.resolve("consent-sent.properties");
        this.backoffFile = home.resolve("backoff.properties");
        this.senderLock = home.resolve("sender.lock");
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
        private Disclosure disclosure;
        private Path policyFile;
        private Path workingDirectory = Path.of("");
        private List<String> senderCommand;

        private Builder(ClientSettings settings) {
            this.settings = settings;
            this.disclosure = new Disclosure(1, "the commands you run, how long they take and which errors occur,"
                    + " with your OS and the tool's version", settings.collector().resolve("/"),
                    settings.environmentSwitch() + "=off");
        }

        /** Where {@code DO_NOT_TRACK}, the switches, CI variables and proxy variables are read from. */
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

        /** The text the prompt and {@code telemetry status} show, and its consent version. */
        public Builder disclosure(Disclosure disclosure) {
            this.disclosure = disclosure;
            return this;
        }

        /** The organisation's policy file, instead of the documented system location. */
        public Builder policyFile(Path policyFile) {
            this.policyFile = policyFile;
            return this;
        }

        /** Where the per-project file is looked for (and in every parent): the working directory by default. */
        public Builder workingDirectory(Path workingDirectory) {
            this.workingDirectory = workingDirectory;
            return this;
        }

        /**
         * The command that runs {@link BackgroundSender#main} in a new process, for CLIs that are not started as
         * {@code java -cp ...} (a native image passes its own executable and a hidden subcommand).
         */
        public Builder senderCommand(List<String> senderCommand) {
            this.senderCommand = List.copyOf(senderCommand);
            return this;
        }

        public TelemetryClient build() {
            return new TelemetryClient(this);
        }
    }

    /** Whether telemetry is on, and why. */
    public enum State {
        ON, OFF, NOT_ANSWERED
    }

    /**
     * What {@code telemetry status} shows: the state, the switch or answer that decided it, and the disclosure.
     */
    public record Status(State state, String reason, String disclosure) {

        /** The state and its reason in one sentence, then the disclosure. */
        public String describe() {
            String state = switch (this.state) {
                case ON -> "on";
                case OFF -> "off";
                case NOT_ANSWERED -> "off (not answered)";
            };
            return "Telemetry is " + state + ": " + reason + ".\n" + disclosure;
        }
    }

    /** Result of a push: how many events went out and how many are still spooled. */
    public record PushOutcome(int sent, int kept) {
    }

    /** The user's last answer, as recorded on this machine; {@code id} tells a newer answer from an older one. */
    private record Answer(Boolean optIn, int version, String source, String answeredAt, String id) {

        static final Answer NONE = new Answer(null, 0, null, null, null);
    }

    /**
     * Decides in the documented order, reading only: the switches (organisation, project, {@code DO_NOT_TRACK}, the
     * tool's switch, CI), then the user's answer for the current consent version.
     */
    public Status status() {
        try {
            Switches.Verdict verdict = switches.verdict();
            switch (verdict.outcome()) {
                case OFF :
                    return status(State.OFF, verdict.reason());
                case ON :
                    return status(State.ON, verdict.reason());
                default :
                    break;
            }
            Answer answer = answer();
            if (answer.optIn() == null) {
                return status(State.NOT_ANSWERED, "nothing is collected until you say yes");
            }
            if (!answer.optIn()) {
                return status(State.OFF, switch (String.valueOf(answer.source())) {
                    case "toggle" -> "you turned it off (" + answer.answeredAt() + ")";
                    case "erasure" -> "you asked for your data to be erased (" + answer.answeredAt() + ")";
                    default -> "you said no (" + answer.answeredAt() + ")";
                });
            }
            if (answer.version() < disclosure.version()) {
                return status(State.NOT_ANSWERED, "what is collected changed since you said yes (consent version "
                        + answer.version() + ", now " + disclosure.version() + "); you will be asked again");
            }
            return status(State.ON, ("toggle".equals(answer.source()) ? "you turned it on (" : "you said yes (")
                    + answer.answeredAt() + ", consent version " + answer.version() + ")");
        } catch (RuntimeException e) {
            return status(State.OFF, "its state could not be read");
        }
    }

    private Status status(State state, String reason) {
        return new Status(state, reason, disclosure.text());
    }

    public boolean enabled() {
        return status().state() == State.ON;
    }

    /** {@code <SWITCH>=debug}: prints what would be sent and sends nothing. */
    public boolean debug() {
        return switches.debug();
    }

    /**
     * Ask only a person at a terminal who has not answered for the current consent version, and only when no
     * switch (organisation, project, {@code DO_NOT_TRACK}, the tool's, CI) decided already.
     */
    public boolean shouldPrompt() {
        return interactive && status().state() == State.NOT_ANSWERED;
    }

    /** The lines to show above the question. */
    public String disclosure() {
        return disclosure.text();
    }

    /** The machine's anonymous ID; creates the installation secret if there is none yet ({@link MachineId}). */
    public String anonymousId() {
        return MachineId.anonymousId(settings.home(), machineValue, secret());
    }

    /** What proves to the services that a request comes from the machine with this anonymous ID. */
    String proof(String anonymousId) {
        return MachineId.proofOf(secret(), anonymousId);
    }

    private synchronized byte[] secret() {
        if (secret == null) {
            secret = InstallationSecret.of(settings.home());
        }
        return secret;
    }

    /** The answer to the first-run prompt: recorded locally at once, sent by the next push. */
    public void answerPrompt(boolean optIn) {
        if (switchedOff()) {
            return;
        }
        recordAnswer(optIn, "prompt");
    }

    /** {@code telemetry --on}: recorded locally at once, sent by the next push. */
    public void turnOn() {
        if (switchedOff()) {
            return;
        }
        recordAnswer(true, "toggle");
    }

    /**
     * {@code telemetry --off}: records {@code telemetry_off} and the opt-out locally, at once. From then on nothing
     * is captured; the next push sends what was captured before, then the opt-out, then clears the spool.
     */
    public void turnOff() {
        if (switchedOff()) {
            return;
        }
        capture("telemetry_off", Map.of());
        recordAnswer(false, "toggle");
    }

    /**
     * {@code telemetry --erase}: asks the consent service, now, to erase everything this machine contributed to
     * unpublished reports (the user waits for the receipt), then turns telemetry off here and clears the spool.
     * Returns the receipt to check the erasure with ({@code GET /v1/erasures/{receipt}}), or empty if the service
     * could not be reached: nothing changed, ask again.
     */
    public Optional<String> requestErasure(Duration timeout) {
        if (debug()) {
            debugOut.println("telemetry (debug, not sent): erasure request for " + anonymousId());
            return Optional.empty();
        }
        try {
            HttpResponse<byte[]> response = http().send(asMachine(HttpRequest
                    .newBuilder(settings.consent().resolve("/v1/consent/data")))
                    .timeout(timeout)
                    .DELETE().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 202) {
                return Optional.empty();
            }
            String receipt = JSON.readTree(response.body()).path("receipt").asText(null);
            Answer erased = recordAnswer(false, "erasure");
            try {
                markSent(erased); // the erasure turned consent off on the server already
                spool.clear();
            } catch (IOException e) {
                // an unsent opt-out is sent by the next push; the spool is cleared then
            }
            return Optional.ofNullable(receipt);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Appends an event to the spool if telemetry is on: one forced append, never a network call or exception. */
    public void capture(String kind, Map<String, Object> data) {
        try {
            Status status = status();
            if (status.state() != State.ON) {
                return;
            }
            if (switches.verdict().outcome() == Switches.Outcome.ON && !saidYesToThisVersion(answer())) {
                recordAnswer(true, "toggle"); // the explicit switch is the opt-in consent-service must hear
            }
            ObjectNode event = JSON.createObjectNode();
            event.put("id", UUID.randomUUID().toString());
            event.put("event", kind);
            event.put("timestamp", clock.instant().truncatedTo(ChronoUnit.MILLIS).toString());
            event.put("anonymousId", anonymousId());
            event.put("os", settings.os());
            event.put("build", settings.build());
            event.set("data", JSON.valueToTree(data));
            spool.append(event);
        } catch (IOException | RuntimeException e) {
            // a read-only or full disk loses this event, never the command
        }
    }

    /**
     * What the CLI calls at the end of a command: if an answer or events wait to be sent (and no backoff is running),
     * starts a detached {@link BackgroundSender} process and returns at once. Whatever the network does, the command
     * exits without waiting for it. Under {@code <SWITCH>=debug} it prints instead, in this process.
     */
    public void sendInBackground() {
        try {
            if (!hasWork(clock.instant())) {
                return;
            }
            if (debug()) {
                push(Duration.ofSeconds(1));
                return;
            }
            if (senderRunning()) {
                return;
            }
            BackgroundSender.start(this);
        } catch (IOException | RuntimeException e) {
            // the next command tries again
        }
    }

    /**
     * Sends, now and within {@code timeout} overall: the user's answer if consent-service has not acknowledged it,
     * then the spool in gzip batches of at most 500 (after an opt-out: what was captured before it, then the
     * opt-out, then the spool is cleared). Accepted, duplicate and rejected events leave the spool; {@code retry}
     * ones stay. 429 and 503 defer the next push by {@code Retry-After}; other failures back off from 1 minute to
     * 1 hour. This is what the background sender runs; a CLI with its own background machinery may call it too.
     */
    public PushOutcome push(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Instant now = clock.instant();
        if (switchedOff()) { // checked before any other I/O: only read, to say what stays spooled
            return new PushOutcome(0, spool.read(now).events().size());
        }
        Spool.Content content = spool.read(now);
        try {
            Answer answer = answer();
            boolean unsent = unsent(answer);
            if (debug()) {
                printWhatWouldBeSent(unsent ? answer : null, content.events());
                return new PushOutcome(0, content.events().size());
            }
            if (deferred(now)) {
                return new PushOutcome(0, content.events().size());
            }
            if (content.trimmed()) {
                trimQuietly(now);
            }
            if (enabled()) {
                if (unsent && !sendAnswer(answer, deadline)) {
                    return new PushOutcome(0, content.events().size());
                }
                Pushed pushed = pushEvents(content.events(), deadline, now);
                return new PushOutcome(pushed.sent(), spool.read(now).events().size());
            }
            if (unsent && !answer.optIn()) {
                // the opt-out: first what was captured while on, then the answer, then nothing is kept
                Pushed pushed = pushEvents(content.events(), deadline, now);
                if (pushed.complete() && sendAnswer(answer, deadline)) {
                    spool.clear();
                    return new PushOutcome(pushed.sent(), 0);
                }
                return new PushOutcome(pushed.sent(), spool.read(now).events().size());
            }
        } catch (IOException | RuntimeException e) {
            backOff();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new PushOutcome(0, spool.read(now).events().size());
    }

    /** Writes the bounded spool back; on a full disk the push goes ahead with what was read. */
    private void trimQuietly(Instant now) {
        try {
            spool.trim(now);
        } catch (IOException e) {
            // the next push tries again
        }
    }

    /** The background sender's work: one sender at a time per home, the others leave at once. */
    void sendAsTheOnlySender(Duration timeout) {
        try (FileChannel channel = OwnerOnly.openForLock(senderLock); FileLock held = channel.tryLock()) {
            if (held != null) {
                push(timeout);
            }
        } catch (IOException | RuntimeException e) {
            // the next command starts another sender
        }
    }

    private boolean senderRunning() throws IOException {
        try (FileChannel channel = OwnerOnly.openForLock(senderLock); FileLock held = channel.tryLock()) {
            return held == null;
        }
    }

    private boolean hasWork(Instant now) {
        if (switchedOff() || deferred(now)) {
            return false;
        }
        Answer answer = answer();
        boolean unsent = unsent(answer);
        return (unsent && (enabled() || !answer.optIn())) || (enabled() && !spool.isEmpty());
    }

    /** Off by the organisation, the project, {@code DO_NOT_TRACK}, the tool's switch or CI: nothing may be written. */
    private boolean switchedOff() {
        return switches.verdict().outcome() == Switches.Outcome.OFF;
    }

    /** How far a push got: events sent, and whether every batch got an answer. */
    private record Pushed(int sent, boolean complete) {
    }

    /**
     * Sends the events in batches. What the collector settled leaves the spool in one rewrite at the end (a sender
     * halted before it resends those events, which the collector answers {@code duplicate}).
     */
    private Pushed pushEvents(List<ObjectNode> events, long deadline, Instant now)
            throws IOException, InterruptedException {
        int sent = 0;
        List<String> done = new ArrayList<>();
        try {
            for (int from = 0; from < events.size(); from += BATCH) {
                List<ObjectNode> batch = events.subList(from, Math.min(events.size(), from + BATCH));
                Duration left = Duration.ofNanos(deadline - System.nanoTime());
                if (left.isNegative() || left.isZero()) {
                    return new Pushed(sent, false);
                }
                HttpResponse<byte[]> response = http().send(HttpRequest
                        .newBuilder(settings.collector().resolve("/v1/events"))
                        .timeout(left)
                        .header("Authorization", "Bearer " + settings.apiKey())
                        .header("Content-Type", "application/json")
                        .header("Content-Encoding", "gzip")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(body(withProofs(batch)))))
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    deferAfter(response);
                    return new Pushed(sent, false);
                }
                sent += batch.size();
                for (JsonNode result : JSON.readTree(response.body()).path("results")) {
                    if (DONE.contains(result.path("status").asText()) && result.hasNonNull("id")) {
                        done.add(result.get("id").asText());
                    }
                }
                clearBackoff();
            }
            return new Pushed(sent, true);
        } finally {
            if (!done.isEmpty()) {
                spool.remove(done, now);
            }
        }
    }

    private void printWhatWouldBeSent(Answer unsentAnswer, List<ObjectNode> events) {
        if (unsentAnswer != null) {
            debugOut.println("telemetry (debug, not sent): consent optIn=" + unsentAnswer.optIn());
        }
        if (enabled() || unsentAnswer != null) {
            for (int from = 0; from < events.size(); from += BATCH) {
                debugOut.println("telemetry (debug, not sent): "
                        + body(events.subList(from, Math.min(events.size(), from + BATCH))));
            }
        }
    }

    /** The idempotent consent {@code PUT}; true once consent-service acknowledged it. */
    private boolean sendAnswer(Answer answer, long deadline) throws IOException, InterruptedException {
        Duration left = Duration.ofNanos(deadline - System.nanoTime());
        if (left.isNegative() || left.isZero()) {
            return false;
        }
        ObjectNode body = JSON.createObjectNode().put("optIn", answer.optIn()).put("os", settings.os())
                .put("build", settings.build()).put("source", "prompt".equals(answer.source()) ? "prompt" : "toggle");
        HttpResponse<Void> response = http().send(asMachine(HttpRequest
                .newBuilder(settings.consent().resolve("/v1/consent")))
                .timeout(left)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 != 2) {
            backOff();
            return false;
        }
        markSent(answer);
        return true;
    }

    /** A consent request for this machine: the API key, the anonymous ID and its proof, all in headers. */
    private HttpRequest.Builder asMachine(HttpRequest.Builder request) {
        String anonymousId = anonymousId();
        return request.header("Authorization", "Bearer " + settings.apiKey())
                .header("Telemetry-Anonymous-Id", anonymousId)
                .header("Telemetry-Proof", proof(anonymousId));
    }

    /** The events as pushed: each with the proof of the machine it was captured on (the spool keeps no proof). */
    private List<ObjectNode> withProofs(List<ObjectNode> batch) {
        List<ObjectNode> proven = new ArrayList<>(batch.size());
        for (ObjectNode event : batch) {
            String anonymousId = event.path("anonymousId").asText();
            proven.add(event.deepCopy().put("proof", proof(anonymousId)));
        }
        return proven;
    }

    private boolean saidYesToThisVersion(Answer answer) {
        return Boolean.TRUE.equals(answer.optIn()) && answer.version() >= disclosure.version();
    }

    /** The user's answer, stored at once; a new id makes it unsent until consent-service acknowledges it. */
    private Answer recordAnswer(boolean optIn, String source) {
        Answer answer = new Answer(optIn, disclosure.version(), source, clock.instant().toString(),
                UUID.randomUUID().toString());
        Properties properties = new Properties();
        properties.setProperty("optIn", Boolean.toString(optIn));
        properties.setProperty("consentVersion", Integer.toString(answer.version()));
        properties.setProperty("source", source);
        properties.setProperty("answeredAt", answer.answeredAt());
        properties.setProperty("answerId", answer.id());
        try {
            store(answerFile, properties);
        } catch (IOException | RuntimeException e) {
            // a read-only or full disk: the user is asked again next time
        }
        return answer;
    }

    /**
     * Written by the sender only, in its own file: an answer recorded meanwhile by the foreground is never
     * overwritten, it simply stays unsent.
     */
    private void markSent(Answer answer) throws IOException {
        Properties sent = new Properties();
        sent.setProperty("answerId", answer.id());
        sent.setProperty("anonymousId", anonymousId());
        store(answerSentFile, sent);
    }

    private Answer answer() {
        Properties properties = load(answerFile);
        String optIn = properties.getProperty("optIn");
        if (!"true".equals(optIn) && !"false".equals(optIn)) {
            return Answer.NONE;
        }
        int version;
        try {
            version = Integer.parseInt(properties.getProperty("consentVersion", "0").trim());
        } catch (NumberFormatException corrupted) {
            version = 0;
        }
        // an answer stored by an older client, which sent it at once, has no id: count it as sent
        return new Answer(Boolean.valueOf(optIn), version, properties.getProperty("source"),
                properties.getProperty("answeredAt", "at an unknown time"),
                properties.getProperty("answerId", "sent-before-ids"));
    }

    /**
     * Whether consent-service has yet to hear the answer for this machine. An answer acknowledged under another
     * anonymous ID (sent by a client from before machine proofs, whose IDs were derived differently) is sent again
     * if it is a yes, so the machine's new ID is opted in without asking the user again; a no has nothing to
     * withdraw under the new ID.
     */
    private boolean unsent(Answer answer) {
        if (answer.optIn() == null) {
            return false;
        }
        Properties sent = load(answerSentFile);
        // an answer stored by an older client, which sent it at once, has no id: it was sent
        String sentId = answer.id().equals("sent-before-ids") ? answer.id() : sent.getProperty("answerId", "");
        if (!answer.id().equals(sentId)) {
            return true;
        }
        return answer.optIn() && !anonymousId().equals(sent.getProperty("anonymousId"));
    }

    private void deferAfter(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status == 429 || status == 503) {
            long seconds;
            try {
                seconds = response.headers().firstValueAsLong("Retry-After").orElse(60);
            } catch (NumberFormatException httpDate) {
                seconds = 60;
            }
            defer(Duration.ofSeconds(Math.min(LONGEST_WAIT.toSeconds(), Math.max(1, seconds))), 0);
        } else {
            backOff();
        }
    }

    /** 1 minute, doubling up to 1 hour. */
    private void backOff() {
        int failures;
        try {
            failures = Math.max(0, Integer.parseInt(load(backoffFile).getProperty("failures", "0").trim())) + 1;
        } catch (NumberFormatException corrupted) {
            failures = 1;
        }
        defer(Duration.ofMinutes(Math.min(LONGEST_WAIT.toMinutes(), 1L << Math.min(6, failures - 1))), failures);
    }

    private void defer(Duration wait, int failures) {
        Properties backoff = new Properties();
        backoff.setProperty("nextAttempt", clock.instant().plus(wait).toString());
        backoff.setProperty("failures", Integer.toString(failures));
        try {
            store(backoffFile, backoff);
        } catch (IOException | RuntimeException e) {
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

    /**
     * Whether a stored wait is still running. A wait ending more than {@link #LONGEST_WAIT} from now was stored
     * before the clock jumped back, and an unreadable one is no wait: neither holds the spool back.
     */
    private boolean deferred(Instant now) {
        String next = load(backoffFile).getProperty("nextAttempt");
        if (next == null) {
            return false;
        }
        try {
            Instant nextAttempt = Instant.parse(next.trim());
            return now.isBefore(nextAttempt) && !nextAttempt.isAfter(now.plus(LONGEST_WAIT));
        } catch (DateTimeParseException corrupted) {
            return false;
        }
    }

    private HttpClient http() {
        if (http == null) {
            HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2));
            EnvironmentProxy.from(environment).ifPresent(builder::proxy);
            http = builder.build();
        }
        return http;
    }

    ClientSettings settings() {
        return settings;
    }

    Map<String, String> environment() {
        return environment;
    }

    String machineValue() {
        return machineValue;
    }

    Disclosure disclosureSettings() {
        return disclosure;
    }

    Path policyFile() {
        return policyFile;
    }

    Path workingDirectory() {
        return workingDirectory;
    }

    List<String> senderCommand() {
        return senderCommand;
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

    /** The stored properties; a missing, unreadable or corrupted file counts as empty. */
    private static Properties load(Path file) {
        Properties properties = new Properties();
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            } catch (IOException | RuntimeException unreadable) {
                return new Properties();
            }
        }
        return properties;
    }

    private static void store(Path file, Properties properties) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        properties.store(bytes, null);
        OwnerOnly.write(file, bytes.toByteArray());
    }
}
