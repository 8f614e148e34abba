package dev.telemetry.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** A JVM killed with SIGKILL runs no shutdown hook; its servers must still stop. */
class OrphanGuardTest {

    @Test
    void serversStopWhenTheirJvmIsKilled() throws Exception {
        Process owner = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ServersThenSleep.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        long postgresPid;
        long kafkaPid;
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(owner.getInputStream(), StandardCharsets.UTF_8))) {
            postgresPid = Long.parseLong(lines.readLine());
            kafkaPid = Long.parseLong(lines.readLine());
        }
        assertThat(ProcessHandle.of(postgresPid).map(ProcessHandle::isAlive)).contains(true);
        assertThat(ProcessHandle.of(kafkaPid).map(ProcessHandle::isAlive)).contains(true);

        owner.destroyForcibly().waitFor();

        assertThat(awaitGone(postgresPid, Duration.ofSeconds(30))).as("postgres stopped").isTrue();
        assertThat(awaitGone(kafkaPid, Duration.ofSeconds(60))).as("kafka stopped").isTrue();
    }

    private static boolean awaitGone(long pid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            if (process.isEmpty() || !process.get().isAlive()) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** Starts both servers, prints their pids and waits to be killed. */
    public static final class ServersThenSleep {
        public static void main(String[] args) throws Exception {
            LocalPostgres postgres = LocalPostgres.start(null, Ports.free(), null, false);
            LocalKafka kafka = LocalKafka.start(null, Ports.free(), Ports.free(), null);
            System.out.println(postgres.pid());
            System.out.println(kafka.brokerPid());
            System.out.flush();
            Thread.sleep(Duration.ofMinutes(5).toMillis());
        }
    }
}
