package dev.telemetry.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/**
 * What telemetry costs a CLI command, printed as figures (not a test: they depend on the machine). Four collectors
 * stand behind both service URLs: unreachable (connection refused), hanging (accepts, never answers), slow (answers
 * after 3 s) and healthy. For each it times the library calls on the command's path, then whole demo CLI commands run
 * as their own JVM, from start to exit, against {@code --help} (which touches no telemetry). Run after
 * {@code ./mvnw -B -o -DskipTests package -pl clients/java-client -am}:
 * {@code java -cp "clients/java-client/target/classes:clients/java-client/target/test-classes:clients/java-client/target/lib/*"
 * dev.telemetry.client.ClientCostBenchmark}
 */
public final class ClientCostBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CAPTURES = 2_000;
    private static final int SENDS = 10;
    private static final int COMMANDS = 5;

    private ClientCostBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("telemetry-client-bench-");
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket hanging = hangingServer(held);
                Collector slow = new Collector(Duration.ofSeconds(3));
                Collector healthy = new Collector(Duration.ZERO)) {
            Map<String, URI> collectors = new LinkedHashMap<>();
            collectors.put("unreachable", unreachable());
            collectors.put("hanging", URI.create("http://127.0.0.1:" + hanging.getLocalPort()));
            collectors.put("slow (3 s)", slow.uri());
            collectors.put("healthy", healthy.uri());

            System.out.println("Library calls on the command's path (in process)");
            TelemetryClient on = client(work.resolve("capture-on"), collectors.get("healthy"), Map.of());
            on.turnOn();
            report("capture, telemetry on (one fsync'd append)", time(CAPTURES,
                    () -> on.capture("start_begin", Map.of("cpus", 4))));
            TelemetryClient off = client(work.resolve("capture-off"), collectors.get("healthy"),
                    Map.of("DO_NOT_TRACK", "1"));
            report("capture, DO_NOT_TRACK=1", time(CAPTURES, () -> off.capture("start_begin", Map.of("cpus", 4))));
            report("status()", time(CAPTURES, on::status));
            for (Map.Entry<String, URI> collector : collectors.entrySet()) {
                long[] micros = new long[SENDS];
                for (int i = 0; i < SENDS; i++) {
                    Path home = work.resolve("send-" + collector.getKey().charAt(0) + i);
                    TelemetryClient client = client(home, collector.getValue(), Map.of());
                    client.turnOn();
                    client.capture("stop", Map.of());
                    micros[i] = time(1, client::sendInBackground)[0];
                    awaitSender(home, Duration.ofSeconds(10));
                }
                Arrays.sort(micros);
                report("sendInBackground(), collector " + collector.getKey(), micros);
            }
            TelemetryClient blocking = client(work.resolve("blocking"), collectors.get("hanging"), Map.of());
            blocking.turnOn();
            blocking.capture("stop", Map.of());
            report("for comparison: push(2 s) in the foreground, hanging", time(1,
                    () -> blocking.push(Duration.ofSeconds(2))));

            System.out.println();
            System.out.println("Whole demo commands, JVM start to exit (median of " + COMMANDS + ")");
            report("cf-dev-demo --help", command(work, collectors.get("healthy"), Map.of(), "--help"));
            for (Map.Entry<String, URI> collector : collectors.entrySet()) {
                report("cf-dev-demo telemetry --on, collector " + collector.getKey(),
                        command(work, collector.getValue(), Map.of(), "telemetry", "--on"));
                report("cf-dev-demo start (on), collector " + collector.getKey(),
                        command(work, collector.getValue(), Map.of("CF_DEV_TELEMETRY", "on"), "start"));
            }
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    private static TelemetryClient client(Path home, URI server, Map<String, String> environment) {
        return TelemetryClient.builder(new ClientSettings(server, server, "key", home, "linux", "1.0.0", "BENCH"))
                .environment(environment).interactive(false).policyFile(home.resolve("no-policy"))
                .workingDirectory(home).build();
    }

    /** Runs the demo in its own JVM with a fresh home, and times it from start to exit. */
    private static long[] command(Path work, URI collector, Map<String, String> extra, String... args)
            throws IOException, InterruptedException {
        long[] micros = new long[COMMANDS];
        for (int i = 0; i < COMMANDS; i++) {
            Path userHome = Files.createTempDirectory(work, "user-");
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                    "-Duser.home=" + userHome, "-cp", System.getProperty("java.class.path"),
                    "dev.telemetry.client.demo.CfDevDemo"));
            command.addAll(List.of(args));
            ProcessBuilder demo = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).directory(userHome.toFile());
            demo.environment().clear();
            demo.environment().putAll(Map.of("PATH", System.getenv("PATH"), "TELEMETRY_COLLECTOR_URL",
                    collector.toString(), "TELEMETRY_CONSENT_URL", collector.toString(), "INGEST_API_KEY", "key"));
            demo.environment().putAll(extra);
            long start = System.nanoTime();
            Process run = demo.start();
            if (!run.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the demo did not exit");
            }
            micros[i] = (System.nanoTime() - start) / 1_000;
            awaitSender(userHome.resolve(".cf-dev-demo").resolve("telemetry"), Duration.ofSeconds(10));
        }
        Arrays.sort(micros);
        return micros;
    }

    /**
     * Lets a sender finish (not timed) so that the next run does not share the CPU with it; a hanging one is idle and
     * is left to its deadline. A started sender holds the lock within half a second.
     */
    private static void awaitSender(Path home, Duration atMost) throws IOException, InterruptedException {
        Thread.sleep(500);
        long end = System.nanoTime() + atMost.toNanos();
        while (Files.isDirectory(home) && System.nanoTime() < end) {
            try (FileChannel channel = FileChannel.open(home.resolve("sender.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock free = channel.tryLock()) {
                if (free != null) {
                    return;
                }
            }
            Thread.sleep(50);
        }
    }

    private static URI unreachable() throws IOException {
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + closed.getLocalPort());
        }
    }

    private static ServerSocket hangingServer(List<Socket> held) throws IOException {
        ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    held.add(server.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        }, "hanging-collector");
        acceptor.setDaemon(true);
        acceptor.start();
        return server;
    }

    /** A collector and consent service that accept everything, after a delay. */
    private static final class Collector implements AutoCloseable {
        private final HttpServer server;

        Collector(Duration delay) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", exchange -> {
                try (exchange) {
                    Thread.sleep(delay.toMillis());
                    String body = "{}";
                    if (exchange.getRequestURI().getPath().equals("/v1/events")) {
                        try (InputStream in = new GZIPInputStream(exchange.getRequestBody())) {
                            StringBuilder results = new StringBuilder("{\"results\":[");
                            for (JsonNode event : JSON.readTree(in).get("events")) {
                                results.append(results.length() > 12 ? "," : "").append("{\"id\":\"")
                                        .append(event.get("id").asText()).append("\",\"status\":\"accepted\"}");
                            }
                            body = results.append("]}").toString();
                        }
                    }
                    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, bytes.length);
                    exchange.getResponseBody().write(bytes);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            server.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        @Override
        public void close() {
            server.stop(0);
        }
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
            System.out.printf(Locale.ROOT, "  %-60s %9.1f ms%n", what, micros[0] / 1000.0);
        } else {
            System.out.printf(Locale.ROOT, "  %-60s p50 %8.3f ms  p99 %8.3f ms  max %8.3f ms  (%d runs)%n", what,
                    micros[micros.length / 2] / 1000.0, micros[Math.min(micros.length - 1, micros.length * 99 / 100)]
                            / 1000.0,
                    micros[micros.length - 1] / 1000.0, micros.length);
        }
    }
}
