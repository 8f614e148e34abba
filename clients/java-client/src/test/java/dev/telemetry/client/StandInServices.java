package dev.telemetry.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An in-process stand-in for collector-service and consent-service (one HTTP server, both paths), recording every
 * request it gets: what the client under test sent, as the services would see it.
 */
final class StandInServices implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the stand-in collector answers a push. */
    record Answer(int status, String body, String retryAfter) {
    }

    /** Every request: "consent true", "push", "erase /v1/consent/data". */
    final List<String> calls = new CopyOnWriteArrayList<>();
    /** Every event pushed, in order. */
    final List<JsonNode> pushedEvents = new CopyOnWriteArrayList<>();
    /** How many events each push carried. */
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    /** The request target as received: absolute when the request came through a proxy. */
    final List<URI> targets = new CopyOnWriteArrayList<>();
    volatile Function<List<JsonNode>, Answer> collector = events -> new Answer(200, results(events, "accepted"), null);
    /**
     * Each anonymous ID's proof, registered by its first consent request (trust on first use) as consent-service
     * does; a request with another proof is refused 403, an event without its machine's proof 400.
     */
    final Map<String, String> proofs = new ConcurrentHashMap<>();
    /** While closed, requests wait for it: a collector that accepted the connection and does not answer yet. */
    private volatile CountDownLatch gate = new CountDownLatch(0);

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "stand-in-services");
        thread.setDaemon(true);
        return thread;
    });

    StandInServices() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Requests from now on wait until {@link #answer()}. */
    void holdAnswers() {
        gate = new CountDownLatch(1);
    }

    void answer() {
        gate.countDown();
    }

    static String results(List<JsonNode> events, String... statuses) {
        StringBuilder results = new StringBuilder("{\"results\": [");
        for (int i = 0; i < events.size(); i++) {
            String status = statuses.length == 1 ? statuses[0] : statuses[i];
            results.append(i == 0 ? "" : ",").append("{\"index\": ").append(i).append(", \"id\": \"")
                    .append(events.get(i).get("id").asText()).append("\", \"status\": \"").append(status).append("\"}");
        }
        return results.append("]}").toString();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            targets.add(exchange.getRequestURI());
            awaitGate();
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/v1/events")) {
                push(exchange);
            } else if (path.startsWith("/v1/consent") && !provenMachine(exchange)) {
                calls.add("refused " + exchange.getRequestMethod() + " " + path);
                respond(exchange, 403, "{\"type\": \"urn:telemetry:problem:proof-rejected\"}");
            } else if (path.equals("/v1/consent/data") && exchange.getRequestMethod().equals("DELETE")) {
                calls.add("erase " + path);
                respond(exchange, 202, "{\"receipt\": \"r-1\", \"status\": \"pending\"}");
            } else if (path.equals("/v1/consent") && exchange.getRequestMethod().equals("PUT")) {
                calls.add("consent " + JSON.readTree(exchange.getRequestBody()).get("optIn").asBoolean());
                respond(exchange, 200, "{}");
            } else {
                calls.add("unexpected " + path);
                respond(exchange, 404, "{}");
            }
        }
    }

    private void push(HttpExchange exchange) throws IOException {
        calls.add("push");
        List<JsonNode> events = new ArrayList<>();
        boolean gzip = "gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"));
        boolean authorized = "Bearer key".equals(exchange.getRequestHeaders().getFirst("Authorization"));
        try (InputStream in = gzip ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
            JSON.readTree(in).get("events").forEach(events::add);
        }
        if (!gzip || !authorized) {
            respond(exchange, 400, "{\"type\": \"urn:telemetry:problem:stand-in-needs-gzip-and-key\"}");
            return;
        }
        // Each event's proof is its machine's, once the machine has registered one (as the collector checks).
        if (!events.stream().allMatch(event -> event.path("proof").asText("").matches("[0-9a-f]{64}")
                && event.path("proof").asText().equals(proofs.getOrDefault(event.path("anonymousId").asText(),
                        event.path("proof").asText())))) {
            respond(exchange, 400, "{\"type\": \"urn:telemetry:problem:stand-in-needs-the-machines-proof\"}");
            return;
        }
        pushedEvents.addAll(events);
        batchSizes.add(events.size());
        Answer answer = collector.apply(events);
        if (answer.retryAfter() != null) {
            exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
        }
        respond(exchange, answer.status(), answer.body());
    }

    /** The headers name a machine and carry its proof; the first consent request registers the proof. */
    private boolean provenMachine(HttpExchange exchange) {
        String anonymousId = exchange.getRequestHeaders().getFirst("Telemetry-Anonymous-Id");
        String proof = exchange.getRequestHeaders().getFirst("Telemetry-Proof");
        if (anonymousId == null || proof == null || !proof.matches("[0-9a-f]{64}")
                || !"Bearer key".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            return false;
        }
        return proof.equals(exchange.getRequestMethod().equals("PUT")
                ? proofs.computeIfAbsent(anonymousId, first -> proof)
                : proofs.get(anonymousId));
    }

    private void awaitGate() {
        try {
            gate.await(5, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        answer();
        server.stop(0);
        executor.shutdownNow();
    }
}
