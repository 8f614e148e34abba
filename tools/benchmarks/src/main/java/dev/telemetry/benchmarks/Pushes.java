package dev.telemetry.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Push bodies as a CLI sends them: one machine's spooled events (new ids, captured just now, valid per the CF Dev
 * catalog), optionally gzip-encoded.
 */
final class Pushes {

    private static final String[] OS = {"linux", "darwin", "windows"};
    private static final String[] SERVICES = {"all", "default", "none", "mysql"};

    private final URI events;
    private final Clock clock;
    private final Function<String, String> proofs;

    /** @param proofs each machine's proof, which every event carries */
    Pushes(URI collector, Clock clock, Function<String, String> proofs) {
        this.events = collector.resolve("/v1/events");
        this.clock = clock;
        this.proofs = proofs;
    }

    HttpRequest push(String apiKey, String anonymousId, int size, boolean gzip) {
        return request(events, apiKey, body(List.of(anonymousId), size), gzip);
    }

    /** One event per machine to {@code /validate}: nothing is stored, every answer says whether it would be accepted. */
    HttpRequest validate(String apiKey, List<String> anonymousIds) {
        return request(events.resolve("/v1/events/validate"), apiKey, body(anonymousIds, anonymousIds.size()), false);
    }

    private static HttpRequest request(URI uri, String apiKey, byte[] body, boolean gzip) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json");
        if (gzip) {
            request.header("Content-Encoding", "gzip");
            body = gzip(body);
        }
        return request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    /** Events captured at {@code capturedAt}, pushed now. */
    HttpRequest push(String apiKey, String anonymousId, int size, Instant capturedAt) {
        return request(events, apiKey, body(List.of(anonymousId), size, capturedAt), false);
    }

    /** {@code size} events captured now, cycling over the given machines. */
    byte[] body(List<String> anonymousIds, int size) {
        return body(anonymousIds, size, clock.instant());
    }

    private byte[] body(List<String> anonymousIds, int size, Instant capturedAt) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String timestamp = capturedAt.truncatedTo(ChronoUnit.SECONDS).toString();
        StringBuilder json = new StringBuilder(size * 260).append("{\"events\":[");
        for (int i = 0; i < size; i++) {
            String machine = anonymousIds.get(i % anonymousIds.size());
            // One OS per machine, as a real CLI would report.
            String os = OS[Math.floorMod(machine.hashCode(), OS.length)];
            if (i > 0) {
                json.append(',');
            }
            json.append("{\"id\":\"").append(new UUID(random.nextLong(), random.nextLong() & 0x0fffffffffffffffL
                    | 0x4000000000000000L)).append("\",\"timestamp\":\"").append(timestamp)
                    .append("\",\"anonymousId\":\"").append(machine).append("\",\"proof\":\"")
                    .append(proofs.apply(machine)).append("\",\"os\":\"").append(os)
                    .append("\",\"build\":\"1.").append(i % 3).append(".0\",");
            switch (i % 3) {
                case 0 -> json.append("\"event\":\"start_begin\",\"data\":{\"cpus\":").append(1 + random.nextInt(16))
                        .append(",\"memory_mb\":").append(4096 + random.nextInt(8192)).append(",\"services\":\"")
                        .append(SERVICES[random.nextInt(SERVICES.length)]).append("\"}}");
                case 1 -> json.append("\"event\":\"start_end\",\"data\":{\"duration_s\":")
                        .append(random.nextInt(600)).append("}}");
                default -> json.append("\"event\":\"stop\",\"data\":{\"uptime_s\":").append(random.nextInt(86400))
                        .append("}}");
            }
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The fastest gzip level, as a CLI on a laptop would choose. */
    static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4);
        try (GZIPOutputStream zip = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            zip.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The quarter an instant falls in, as the report API names it (e.g. {@code 2026-Q4}). */
    static String quarter(Instant instant) {
        var date = instant.atZone(java.time.ZoneOffset.UTC);
        return date.getYear() + "-Q" + ((date.getMonthValue() - 1) / 3 + 1);
    }
}
