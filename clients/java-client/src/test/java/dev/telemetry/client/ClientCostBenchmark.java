package dev.telemetry.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * What telemetry costs a CLI command, printed as figures (not a test): a capture while on and while off, and a push
 * at exit when the collector is unreachable, when it never answers, and during the backoff that follows. Run:
 * {@code java -cp "client/target/classes:client/target/test-classes:client/target/lib/*"
 * dev.telemetry.client.ClientCostBenchmark}
 */
public final class ClientCostBenchmark {

    private static final int CAPTURES = 2_000;

    private ClientCostBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path home = Files.createTempDirectory("telemetry-client-bench-");
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            URI unreachable = URI.create("http://127.0.0.1:1");
            URI neverAnswers = URI.create("http://127.0.0.1:" + silent.getLocalPort());

            TelemetryClient on = client(home.resolve("on"), neverAnswers);
            on.turnOn();
            report("capture, telemetry on (one fsync'd append)", time(CAPTURES,
                    () -> on.capture("start_begin", Map.of("cpus", 4))));
            TelemetryClient off = client(home.resolve("off"), unreachable);
            report("capture, telemetry off", time(CAPTURES, () -> off.capture("start_begin", Map.of("cpus", 4))));

            TelemetryClient refused = client(home.resolve("refused"), unreachable);
            refused.turnOn();
            refused.capture("stop", Map.of());
            report("push at exit, collector unreachable", time(1, () -> refused.push(Duration.ofSeconds(2))));
            report("push at exit, during the backoff that follows", time(1, () -> refused.push(Duration.ofSeconds(2))));
            report("push at exit, collector never answers (2 s timeout)",
                    time(1, () -> on.push(Duration.ofSeconds(2))));
        }
    }

    private static TelemetryClient client(Path home, URI server) {
        return TelemetryClient.builder(new ClientSettings(server, server, "key", home, "linux", "1.0.0", "BENCH"))
                .environment(Map.of()).interactive(false).build();
    }

    private static long[] time(int runs, Runnable action) {
        long[] micros = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            action.run();
            micros[i] = (System.nanoTime() - start) / 1_000;
        }
        Arrays.sort(micros);
        return micros;
    }

    private static void report(String what, long[] micros) {
        if (micros.length == 1) {
            System.out.printf(Locale.ROOT, "%-55s %10.1f ms%n", what, micros[0] / 1000.0);
        } else {
            System.out.printf(Locale.ROOT, "%-55s p50 %6.3f ms  p99 %6.3f ms  max %6.3f ms  (%d runs)%n", what,
                    micros[micros.length / 2] / 1000.0, micros[micros.length * 99 / 100] / 1000.0,
                    micros[micros.length - 1] / 1000.0, micros.length);
        }
    }
}
