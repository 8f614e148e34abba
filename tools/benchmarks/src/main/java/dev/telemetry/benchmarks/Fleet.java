package dev.telemetry.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Machines that really opted in: each consent write of the consent stage is a new machine saying yes at the prompt;
 * the ingest stages push only for machines the collector already accepts.
 */
final class Fleet {

    private static final Pattern ACCEPTED = Pattern.compile("^\\{\"accepted\":(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI consent;
    private final String ingestKey;
    private final List<String> optedIn = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> proofs = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong();
    private final String runId = UUID.randomUUID().toString();

    Fleet(URI consent, String ingestKey) {
        this.consent = consent;
        this.ingestKey = ingestKey;
    }

    /** The opt-in of a new machine (recorded as one of the fleet once consent-service answered 200). */
    HttpRequest optInNewMachine() {
        Machines.Machine machine = Machines.machine(runId + ":" + next.getAndIncrement());
        proofs.put(machine.anonymousId(), machine.proof());
        return HttpRequest.newBuilder(consent.resolve("/v1/consent"))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + ingestKey).header("Content-Type", "application/json")
                .header("Telemetry-Anonymous-Id", machine.anonymousId()).header("Telemetry-Proof", machine.proof())
                .PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"optIn\":true,\"os\":\"linux\",\"build\":\"1.0.0\",\"source\":\"prompt\"}"))
                .build();
    }

    /** Counts a 200 answer to {@link #optInNewMachine} as one opted-in machine. */
    long recordOptIn(HttpResponse<String> response) {
        try {
            JsonNode status = JSON.readTree(response.body());
            if (!status.path("optIn").asBoolean()) {
                return -1;
            }
            optedIn.add(status.path("anonymousId").asText());
            return 1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** The proof of a machine of the fleet, as its client would send it. */
    String proofOf(String anonymousId) {
        return proofs.get(anonymousId);
    }

    List<String> machines() {
        return List.copyOf(optedIn);
    }

    /**
     * Waits until the collector's consent view accepts an event of every machine ({@code /validate}); machines still
     * not accepted at the timeout leave the fleet.
     *
     * @return how many machines left the fleet that way (a finding: their consent did not reach the collector)
     */
    int awaitCollectorAccepts(Pushes pushes, Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Instant deadline = Instant.now().plus(timeout);
        List<String> waiting = new ArrayList<>(machines());
        while (!waiting.isEmpty()) {
            List<String> stillWaiting = new ArrayList<>();
            for (int from = 0; from < waiting.size(); from += 500) {
                List<String> chunk = waiting.subList(from, Math.min(waiting.size(), from + 500));
                HttpResponse<String> answer = http.send(pushes.validate(ingestKey, chunk),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() != 200) {
                    throw new IOException("validate answered " + answer.statusCode() + " "
                            + Load.abbreviate(answer.body()));
                }
                JsonNode results = JSON.readTree(answer.body()).path("results");
                for (JsonNode result : results) {
                    if (!result.path("status").asText().equals("accepted")) {
                        stillWaiting.add(chunk.get(result.path("index").asInt()));
                    }
                }
            }
            waiting = stillWaiting;
            if (!waiting.isEmpty() && Instant.now().isAfter(deadline)) {
                optedIn.removeAll(waiting);
                return waiting.size();
            }
            if (!waiting.isEmpty()) {
                Thread.sleep(200);
            }
        }
        return 0;
    }

    /** The machine of a 200 answer to {@link #optInNewMachine}. */
    static String anonymousIdOf(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body()).path("anonymousId").asText();
    }

    /** How many events of a push answer have {@code status} (its per-status count), or -1 if unreadable. */
    static long countOf(HttpResponse<String> response, String status) {
        Matcher count = Pattern.compile("\"" + status + "\":(\\d+)").matcher(response.body());
        return count.find() ? Long.parseLong(count.group(1)) : -1;
    }

    /** Accepted events in a push answer (-1 if unreadable); events not accepted are counted apart. */
    static long acceptedOf(HttpResponse<String> response, int pushed, AtomicLong notAccepted) {
        Matcher accepted = ACCEPTED.matcher(response.body());
        if (!accepted.find()) {
            return -1;
        }
        long n = Long.parseLong(accepted.group(1));
        notAccepted.addAndGet(pushed - n);
        return n;
    }
}
