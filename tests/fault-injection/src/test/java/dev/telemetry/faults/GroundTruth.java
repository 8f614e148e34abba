package dev.telemetry.faults;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * What the simulated CLIs were told, kept independently of the suite: every event id answered {@code accepted},
 * {@code duplicate} or {@code rejected}, every consent decision answered 2xx, every erasure, and how pushes ended.
 */
final class GroundTruth {

    private final Map<String, SimulatedCli> accepted = new ConcurrentHashMap<>();
    /** Answered {@code duplicate}: stored by an earlier push (possibly one answered 503 or cut off). */
    private final Map<String, SimulatedCli> duplicate = new ConcurrentHashMap<>();
    private final Map<String, SimulatedCli> rejected = new ConcurrentHashMap<>();
    private final Map<SimulatedCli, Boolean> decisions = new ConcurrentHashMap<>();
    private final Set<SimulatedCli> erased = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> pushAnswers = new ConcurrentHashMap<>();
    private final AtomicInteger pushesInFlight = new AtomicInteger();
    private final AtomicLong consentAcknowledgements = new AtomicLong();

    void pushStarted() {
        pushesInFlight.incrementAndGet();
    }

    /** How a push ended: its HTTP status, or the failure's class when there was no answer. */
    void pushEnded(String outcome) {
        pushesInFlight.decrementAndGet();
        pushAnswers.computeIfAbsent(outcome, any -> new AtomicLong()).incrementAndGet();
    }

    void event(SimulatedCli cli, String id, String status) {
        switch (status) {
            case "accepted" -> accepted.put(id, cli);
            case "duplicate" -> duplicate.put(id, cli);
            case "rejected" -> rejected.put(id, cli);
            default -> {
                // retry: the event stays spooled and is sent again
            }
        }
    }

    void decision(SimulatedCli cli, boolean optIn) {
        decisions.put(cli, optIn);
        consentAcknowledgements.incrementAndGet();
    }

    void erased(SimulatedCli cli) {
        erased.add(cli);
    }

    boolean isErased(SimulatedCli cli) {
        return erased.contains(cli);
    }

    /** The last decision consent-service acknowledged for {@code cli}, null before any. */
    Boolean decisionOf(SimulatedCli cli) {
        return decisions.get(cli);
    }

    int pushesInFlight() {
        return pushesInFlight.get();
    }

    long consentAcknowledgements() {
        return consentAcknowledgements.get();
    }

    long acceptedCount() {
        return accepted.size();
    }

    /** Events of {@code phase} answered {@code accepted}. */
    Set<String> accepted(String phase) {
        return ids(accepted, phase);
    }

    /** Events of {@code phase} answered {@code duplicate} but never {@code accepted}: stored although not acknowledged. */
    Set<String> storedUnacknowledged(String phase) {
        Set<String> ids = ids(duplicate, phase);
        ids.removeAll(accepted.keySet());
        return ids;
    }

    Set<String> rejected(String phase) {
        return ids(rejected, phase);
    }

    /**
     * Every event the report must count: answered {@code accepted} or {@code duplicate}, from machines not erased
     * since.
     */
    Set<String> mustBeCounted(String phase) {
        Set<String> ids = ids(accepted, phase);
        ids.addAll(ids(duplicate, phase));
        ids.removeIf(id -> erased.contains(owner(id)));
        return ids;
    }

    /** Events answered {@code rejected} (and never {@code accepted} or {@code duplicate}): never counted. */
    Set<String> mustNotBeCounted(String phase) {
        Set<String> ids = ids(rejected, phase);
        ids.removeAll(accepted.keySet());
        ids.removeAll(duplicate.keySet());
        return ids;
    }

    Map<String, Long> pushAnswers() {
        return pushAnswers.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().get()));
    }

    private SimulatedCli owner(String id) {
        SimulatedCli cli = accepted.get(id);
        return cli != null ? cli : duplicate.get(id);
    }

    /** Ids of one phase, or of every phase when {@code phase} is null. */
    private static Set<String> ids(Map<String, SimulatedCli> answers, String phase) {
        return answers.entrySet().stream().filter(entry -> phase == null || entry.getValue().phase.equals(phase))
                .map(Map.Entry::getKey).collect(Collectors.toCollection(ConcurrentHashMap::newKeySet));
    }
}
