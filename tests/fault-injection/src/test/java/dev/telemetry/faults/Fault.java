package dev.telemetry.faults;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

import org.awaitility.Awaitility;

import dev.telemetry.launcher.Suite;

/**
 * One fault, injected while load runs. The durations (10 s down, 20 s frozen) are the faults' own, not waits for
 * the system; where a fault must land in a window (a push in flight, a decision just committed) it waits for that
 * window to be observable.
 */
enum Fault {

    KAFKA_KILL("Kafka broker kill -9, restarted after 10 s") {
        @Override
        void inject(Suite suite, GroundTruth truth, List<SimulatedCli> fleet) throws IOException, InterruptedException {
            suite.kill("kafka");
            Thread.sleep(Duration.ofSeconds(10).toMillis());
            suite.restart("kafka");
        }
    },
    KAFKA_FREEZE("Kafka broker SIGSTOP for 20 s, then SIGCONT") {
        @Override
        void inject(Suite suite, GroundTruth truth, List<SimulatedCli> fleet) throws InterruptedException {
            suite.freeze("kafka");
            try {
                Thread.sleep(Duration.ofSeconds(20).toMillis());
            } finally {
                suite.thaw("kafka");
            }
        }
    },
    POSTGRES_CRASH("PostgreSQL immediate shutdown, restarted after 10 s") {
        @Override
        void inject(Suite suite, GroundTruth truth, List<SimulatedCli> fleet) throws IOException, InterruptedException {
            suite.kill("postgres");
            Thread.sleep(Duration.ofSeconds(10).toMillis());
            suite.restart("postgres");
        }
    },
    COLLECTOR_KILL("collector-service kill -9 while a push is in flight; restarted") {
        @Override
        void inject(Suite suite, GroundTruth truth, List<SimulatedCli> fleet) throws IOException {
            killAndRestartWhen(suite, "collector-service", Duration.ofSeconds(30), () -> truth.pushesInFlight() > 0);
        }
    },
    CONSENT_KILL(
            "consent-service kill -9 right after it acknowledged a decision (before its relay published it); restarted") {
        @Override
        void inject(Suite suite, GroundTruth truth, List<SimulatedCli> fleet) throws IOException {
            long before = truth.consentAcknowledgements();
            killAndRestartWhen(suite, "consent-service", Duration.ofSeconds(60),
                    () -> truth.consentAcknowledgements() > before);
        }
    },
    REPORT_KILL(
            "report-service kill -9 while it counts a batch (between its commit and its offset commit); restarted") {
        @Override
        void inject(Suite suite, GroundTruth truth, List<SimulatedCli> fleet) throws IOException {
            long before = truth.acceptedCount();
            killAndRestartWhen(suite, "report-service", Duration.ofSeconds(60), () -> truth.acceptedCount() > before);
        }
    },
    POISON_MESSAGES(
            "poison messages (not JSON, unknown type, newer schema, content missing) on every partition of every consumed topic") {
        @Override
        void inject(Suite suite, GroundTruth truth, List<SimulatedCli> fleet) throws InterruptedException {
            try {
                PoisonMessages.write(suite.kafkaBootstrap());
            } catch (ExecutionException e) {
                throw new IllegalStateException("Kafka refused a poison message", e);
            }
        }
    },
    OVERLOAD("overload: pushes at twice the collector's measured capacity for 60 s") {
        @Override
        void inject(Suite suite, GroundTruth truth, List<SimulatedCli> fleet)
                throws IOException, InterruptedException {
            Overload overload = new Overload(suite, truth, fleet);
            Overload.current = overload;
            overload.run();
        }
    };

    /**
     * What {@code ./mvnw verify} runs: the broker crashing, poison on every topic, a service crashing mid-decision.
     * Poison comes before the crash: a consumer restarted after a crash gets its partitions back only once its
     * killed predecessor's session has timed out (Kafka's 45 s), which would only add that wait to the poison check.
     */
    static final List<Fault> SHORT = List.of(KAFKA_KILL, POISON_MESSAGES, CONSENT_KILL);

    final String description;

    Fault(String description) {
        this.description = description;
    }

    /** Injects the fault and returns once it is over (the process restarted or thawed). */
    abstract void inject(Suite suite, GroundTruth truth, List<SimulatedCli> fleet)
            throws IOException, InterruptedException;

    /** Kills the service the moment {@code condition} holds (polled every millisecond), then restarts it. */
    private static void killAndRestartWhen(Suite suite, String service, Duration atMost, BooleanSupplier condition)
            throws IOException {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(1)).until(condition::getAsBoolean);
        suite.kill(service);
        suite.restart(service);
    }

    /** {@code short}, {@code all}, or names separated by commas (e.g. {@code KAFKA_FREEZE,REPORT_KILL}). */
    static List<Fault> selected(String selection) {
        return switch (selection.trim()) {
            case "", "short" -> SHORT;
            case "all" -> List.of(values());
            default -> Arrays.stream(selection.split(",")).map(String::trim).map(Fault::valueOf).toList();
        };
    }
}
