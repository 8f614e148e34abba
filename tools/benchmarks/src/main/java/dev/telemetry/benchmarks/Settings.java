package dev.telemetry.benchmarks;

import java.time.Duration;
import java.util.List;

/**
 * Sizes of one run. {@link #full} is the documented benchmark (about an hour, most of it the 10M-event rebuild);
 * {@link #quick} and {@link #smoke} keep the harness working (their figures mean nothing).
 *
 * @param flumeChannels the channels the Flume peer (c) runs with, one agent each
 * @param freshCapture how long after its opt-in a new machine pushes the events it captured meanwhile
 * @param rebuildEvents events in the usage log for each rebuild (i), topped up with copies of the collector's
 *        records; empty: one rebuild over what the run ingested
 */
record Settings(Duration stage, Duration warmUp, long kafkaRecords, long countingEvents, Duration drainTimeout,
        Duration latencyRun, Duration fleetTimeout, Duration rebuildTimeout, List<Integer> pushSizes,
        List<Integer> ingestClients, List<Integer> consentClients, int reportClients, List<String> flumeChannels,
        Duration freshCapture, List<Long> rebuildEvents) {

    static Settings full() {
        return new Settings(Duration.ofSeconds(15), Duration.ofSeconds(10), 2_000_000, 1_000_000,
                Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(30),
                List.of(100, 500), List.of(8, 32, 64), List.of(16, 64), 8, List.of("file", "memory"),
                Duration.ofSeconds(2), List.of(1_000_000L, 10_000_000L));
    }

    /** Every stage and every push shape, a second each. */
    static Settings quick() {
        return new Settings(Duration.ofSeconds(1), Duration.ofSeconds(1), 20_000, 2_000, Duration.ofSeconds(60),
                Duration.ofSeconds(3), Duration.ofSeconds(60), Duration.ofMinutes(2), List.of(100, 500),
                List.of(8, 32, 64), List.of(16, 64), 4, List.of("file", "memory"), Duration.ofSeconds(1),
                List.of(100_000L));
    }

    /** Every stage once, as small as it gets: the test run inside {@code ./mvnw verify}. */
    static Settings smoke() {
        return new Settings(Duration.ofSeconds(1), Duration.ofSeconds(1), 5_000, 500, Duration.ofSeconds(20),
                Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(60), List.of(100), List.of(4),
                List.of(4), 2, List.of("file"), Duration.ofSeconds(1), List.of(50_000L));
    }

    Settings withStage(Duration value) {
        return new Settings(value, warmUp, kafkaRecords, countingEvents, drainTimeout, latencyRun, fleetTimeout,
                rebuildTimeout, pushSizes, ingestClients, consentClients, reportClients, flumeChannels,
                freshCapture, rebuildEvents);
    }

    Settings withCountingEvents(long value) {
        return new Settings(stage, warmUp, kafkaRecords, value, drainTimeout, latencyRun, fleetTimeout,
                rebuildTimeout, pushSizes, ingestClients, consentClients, reportClients, flumeChannels,
                freshCapture, rebuildEvents);
    }

    Settings withKafkaRecords(long value) {
        return new Settings(stage, warmUp, value, countingEvents, drainTimeout, latencyRun, fleetTimeout,
                rebuildTimeout, pushSizes, ingestClients, consentClients, reportClients, flumeChannels,
                freshCapture, rebuildEvents);
    }

    Settings withDrainTimeout(Duration value) {
        return new Settings(stage, warmUp, kafkaRecords, countingEvents, value, latencyRun, fleetTimeout,
                rebuildTimeout, pushSizes, ingestClients, consentClients, reportClients, flumeChannels,
                freshCapture, rebuildEvents);
    }

    Settings withRebuildEvents(List<Long> value) {
        return new Settings(stage, warmUp, kafkaRecords, countingEvents, drainTimeout, latencyRun, fleetTimeout,
                rebuildTimeout, pushSizes, ingestClients, consentClients, reportClients, flumeChannels,
                freshCapture, value);
    }

    Settings withRebuildTimeout(Duration value) {
        return new Settings(stage, warmUp, kafkaRecords, countingEvents, drainTimeout, latencyRun, fleetTimeout,
                value, pushSizes, ingestClients, consentClients, reportClients, flumeChannels, freshCapture,
                rebuildEvents);
    }
}
