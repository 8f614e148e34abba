package dev.telemetry.faults;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.telemetry.launcher.Suite;

/**
 * Fault 8: the collector pushed at twice its capacity. Its capacity is measured first, in the same run (a closed loop
 * of {@value #CALIBRATION_CLIENTS} pushers for {@link #CALIBRATION}, pushes answered 200 per second), unless
 * {@code -Doverload.capacity=<pushes/s>} gives it; then pushes are sent open loop (at a fixed rate, whatever the
 * answers) at twice that for {@link #DURATION}, each with the reference client's {@link SimulatedCli#PUSH_TIMEOUT}.
 * Every answer, the collector's resident memory (sampled each second) and the time each push took are kept; every
 * event answered is written into the ground truth, and a push without a 200 is sent again, with the same ids, once
 * the overload is over (as the client's spool would), so the usual checks hold for these events too.
 */
final class Overload {

    static final Duration DURATION = Duration.ofSeconds(60);
    static final Duration CALIBRATION = Duration.ofSeconds(15);
    /** Enough pushers to saturate the collector (a first run with 16 measured 206 pushes/s, then served 367/s). */
    static final int CALIBRATION_CLIENTS = 64;
    /** Pushes sent again at once after the overload. */
    private static final int RESEND_BATCH = 16;
    static final int EVENTS_PER_PUSH = 3;
    /** The resident memory the collector must stay under (the launcher caps its heap at 384 MiB). */
    static final long RSS_BOUND_BYTES = 1024L * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the overload did, for the report and the assertions. */
    record Figures(double capacity, double offered, Map<String, Long> answers, long withoutRetryAfter,
            Duration slowest, long rssBefore, long rssPeak) {

        @Override
        public String toString() {
            return ("capacity %.0f pushes/s (%d events each), offered %.0f pushes/s for %d s; answers %s, 429/503 "
                    + "without Retry-After %d, slowest answer %.1f s; collector RSS %d MiB before, peak %d MiB")
                    .formatted(capacity, EVENTS_PER_PUSH, offered, DURATION.toSeconds(), answers, withoutRetryAfter,
                            slowest.toMillis() / 1000.0, rssBefore >> 20, rssPeak >> 20);
        }
    }

    /** The last overload's figures (one overload per run). */
    static volatile Figures last;
    /** The overload of the running fault, whose unanswered pushes are sent again as the fleet settles. */
    static volatile Overload current;

    private final Suite suite;
    private final GroundTruth truth;
    private final List<SimulatedCli> machines;
    private final HttpClient http;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
    private final AtomicLong withoutRetryAfter = new AtomicLong();
    private final AtomicLong slowestMillis = new AtomicLong();
    /**
     * Pushes that may have been written although not acknowledged (no answer, or a 5xx other than {@code overloaded}):
     * sent again after the overload with the same ids, as a client's spool would be, so that what was written is in
     * the ground truth. A shed push ({@code overloaded}, or 429) wrote nothing.
     */
    private final Queue<Push> unanswered = new ConcurrentLinkedQueue<>();

    /** A push body and the machine whose events it carries. */
    private record Push(SimulatedCli machine, String body) {
    }

    Overload(Suite suite, GroundTruth truth, List<SimulatedCli> machines) {
        this.suite = suite;
        this.truth = truth;
        this.machines = machines;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                .connectTimeout(SimulatedCli.PUSH_TIMEOUT).build();
    }

    void run() throws IOException, InterruptedException {
        double capacity = Optional.ofNullable(System.getProperty("overload.capacity")).filter(s -> !s.isBlank())
                .map(Double::parseDouble).orElseGet(this::calibrate);
        answers.clear();
        withoutRetryAfter.set(0);
        slowestMillis.set(0);
        double offered = 2 * capacity;
        long pid = suite.pid("collector-service");
        long rssBefore = rss(pid);
        long[] rssPeak = {rssBefore};
        List<CompletableFuture<Void>> pushes = new ArrayList<>();
        Instant start = Instant.now();
        long sent = 0;
        long nextSample = 0;
        while (true) {
            Duration elapsed = Duration.between(start, Instant.now());
            if (elapsed.compareTo(DURATION) >= 0) {
                break;
            }
            long due = (long) (offered * elapsed.toNanos() / 1e9);
            for (; sent < due; sent++) {
                pushes.add(pushAsync(body()));
            }
            if (elapsed.toSeconds() >= nextSample) {
                rssPeak[0] = Math.max(rssPeak[0], rss(pid));
                nextSample++;
            }
            Thread.sleep(5); // pacing of the open loop, not a wait for the system
        }
        for (CompletableFuture<Void> push : pushes) {
            push.join();
        }
        rssPeak[0] = Math.max(rssPeak[0], rss(pid));
        last = new Figures(capacity, offered, counts(), withoutRetryAfter.get(),
                Duration.ofMillis(slowestMillis.get()), rssBefore, rssPeak[0]);
        System.out.println("overload: " + last);
    }

    /** Sends those pushes again, with the same ids (bounded by the caller); true once none is left. */
    boolean resendUnanswered() {
        List<CompletableFuture<Void>> resent = new ArrayList<>();
        for (Push push = unanswered.poll(); push != null; push = unanswered.poll()) {
            resent.add(pushAsync(push));
            if (resent.size() == RESEND_BATCH) {
                resent.forEach(CompletableFuture::join);
                resent.clear();
            }
        }
        resent.forEach(CompletableFuture::join);
        return unanswered.isEmpty();
    }

    void close() {
        executor.shutdownNow();
    }

    /** Pushes answered 200 per second by a closed loop of pushers. */
    private double calibrate() {
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> pushers = new ArrayList<>();
        for (int i = 0; i < CALIBRATION_CLIENTS; i++) {
            Thread pusher = new Thread(() -> {
                while (running.get()) {
                    pushAsync(body()).join();
                }
            }, "calibration-" + i);
            pusher.setDaemon(true);
            pushers.add(pusher);
        }
        Instant start = Instant.now();
        pushers.forEach(Thread::start);
        try {
            Thread.sleep(CALIBRATION.toMillis()); // the measurement's own duration
            running.set(false);
            for (Thread pusher : pushers) {
                pusher.join(SimulatedCli.PUSH_TIMEOUT.toMillis() * 2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double seconds = Duration.between(start, Instant.now()).toNanos() / 1e9;
        double capacity = Math.max(1, answers.getOrDefault("200", new AtomicLong()).get() / seconds);
        System.out.printf("overload: calibration %s in %.1f s: capacity %.0f pushes/s%n", counts(), seconds, capacity);
        return capacity;
    }

    /** A push of {@value #EVENTS_PER_PUSH} fresh events of one machine of the fleet. */
    private Push body() {
        SimulatedCli machine = machines.get(ThreadLocalRandom.current().nextInt(machines.size()));
        ObjectNode push = JSON.createObjectNode();
        ArrayNode events = push.putArray("events");
        for (int i = 0; i < EVENTS_PER_PUSH; i++) {
            ObjectNode event = events.addObject();
            event.put("id", UUID.randomUUID().toString());
            event.put("event", "start_begin");
            event.put("timestamp", Instant.now().toString());
            event.put("anonymousId", machine.anonymousId());
            event.put("os", "linux");
            event.put("build", "1.0.0");
            event.putObject("data").put("cpus", 4).put("memory_mb", 8192);
        }
        return new Push(machine, push.toString());
    }

    /** Sends one push; completes (never exceptionally) once it is answered or failed, all recorded. */
    private CompletableFuture<Void> pushAsync(Push push) {
        HttpRequest request = HttpRequest.newBuilder(suite.collector().resolve("/v1/events"))
                .header("Authorization", "Bearer " + suite.ingestKey()).header("Content-Type", "application/json")
                .timeout(SimulatedCli.PUSH_TIMEOUT).POST(HttpRequest.BodyPublishers.ofString(push.body()))
                .build();
        long started = System.nanoTime();
        truth.pushStarted();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).handle((response, failure) -> {
            slowestMillis.accumulateAndGet((System.nanoTime() - started) / 1_000_000, Math::max);
            String outcome;
            if (failure != null) {
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                outcome = cause instanceof HttpTimeoutException
                        ? "HttpTimeoutException"
                        : cause.getClass().getSimpleName();
                unanswered.add(push);
            } else {
                outcome = Integer.toString(response.statusCode());
                if ((response.statusCode() == 429 || response.statusCode() == 503)
                        && response.headers().firstValue("Retry-After").isEmpty()) {
                    withoutRetryAfter.incrementAndGet();
                }
                if (response.statusCode() == 200) {
                    record(push.machine(), response.body());
                } else if (response.statusCode() >= 500 && !new String(response.body(), StandardCharsets.UTF_8)
                        .contains("urn:telemetry:problem:overloaded")) {
                    unanswered.add(push);
                }
            }
            truth.pushEnded(outcome);
            answers.computeIfAbsent(outcome, any -> new AtomicLong()).incrementAndGet();
            return null;
        });
    }

    private void record(SimulatedCli machine, byte[] answer) {
        try {
            for (JsonNode result : JSON.readTree(answer).path("results")) {
                truth.event(machine, result.path("id").asText(), result.path("status").asText());
            }
        } catch (IOException e) {
            throw new IllegalStateException("unreadable push answer", e);
        }
    }

    private Map<String, Long> counts() {
        Map<String, Long> counts = new TreeMap<>();
        answers.forEach((outcome, count) -> counts.put(outcome, count.get()));
        return counts;
    }

    /** Resident memory of a process, from {@code /proc/<pid>/status} ({@code VmRSS}, in kB). */
    private static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }
}
