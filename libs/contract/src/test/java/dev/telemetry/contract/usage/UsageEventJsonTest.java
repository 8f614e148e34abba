package dev.telemetry.contract.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.telemetry.contract.IntegrationJson;

/**
 * The streaming writer and reader of usage records say and understand exactly what the contract's mapper does: the
 * same bytes out, and on every input the same event or the same reason it is unreadable.
 */
class UsageEventJsonTest {

    private static final String PSEUDONYM = "708eea6cc5c48906a9bb54fc66ea6af946e0bff3bdbe740c87cac8a6c057a1ac";
    private static final String ID = "0b5c7a52-7c55-4b1e-9a55-2f3cb2d5f3a1";

    static Stream<UsageEvent> events() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("cpus", 4L);
        data.put("services", "default");
        data.put("verbose", true);
        data.put("memory_mb", 262_144);
        return Stream.of(
                event("2026-11-21T10:15:30Z", Map.of()),
                event("2026-11-21T10:15:30.1Z", data),
                event("2026-11-21T10:15:30.123456Z", data),
                event("2026-11-21T10:15:30.123456789Z", Map.of("uptime_s", 0L)),
                event("2026-02-28T23:59:59.000001Z", Map.of("verbose", false)),
                event("2026-11-21T10:15:30Z", Map.of("code", "E\u00e9\"\\\n\u2028", "big", Long.MAX_VALUE)));
    }

    private static UsageEvent event(String occurredAt, Map<String, Object> data) {
        return new UsageEvent(UUID.randomUUID(), PSEUDONYM, Instant.parse(occurredAt), "start_begin", "linux",
                "0.0.1234", data, Instant.parse("2026-11-21T10:16:30.123456Z"), "cf-dev@1");
    }

    @ParameterizedTest
    @MethodSource("events")
    void writesWhatTheContractMapperWrites(UsageEvent event) {
        String written = new String(UsageEventJson.write(event), StandardCharsets.UTF_8);

        assertThat(written).isEqualTo(IntegrationJson.write(event));
    }

    /** Instants across the years the writer formats by hand and either side of them, at every fraction width. */
    static Stream<Instant> instants() {
        Random random = new Random(20261126);
        long first = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        Stream<Instant> edges = Stream.of("0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
                "-0001-12-31T23:59:59Z", "+10000-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "1970-01-01T00:00:00Z",
                "2000-02-29T12:00:00.000001Z", "2100-03-01T00:00:00.100Z", "1600-02-29T23:00:00Z")
                .map(Instant::parse);
        Stream<Instant> drawn = IntStream.range(0, 2_000).mapToObj(i -> {
            long second = first - 86_400 + (long) (random.nextDouble() * (last - first + 2 * 86_400));
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            return Instant.ofEpochSecond(second, nanos);
        });
        return Stream.concat(edges, drawn);
    }

    @Test
    void writesEveryInstantAsTheContractMapperDoes() {
        assertThat(instants()).allSatisfy(instant -> {
            UsageEvent event = new UsageEvent(UUID.randomUUID(), PSEUDONYM, instant, "stop", "linux", "1",
                    Map.of(), instant, "cf-dev@1");
            assertThat(new String(UsageEventJson.write(event), StandardCharsets.UTF_8))
                    .isEqualTo(IntegrationJson.write(event));
        });
    }

    @Test
    void onlyRecordsWithPlainTextAreWrittenByHand() {
        UsageEvent plain = event("2026-11-21T10:15:30.123Z", Map.of("cpus", 4L, "ok", true, "mode", "fast"));
        UsageEvent quoted = event("2026-11-21T10:15:30Z", Map.of("mode", "\"fast\""));
        UsageEvent accented = new UsageEvent(UUID.randomUUID(), PSEUDONYM, Instant.EPOCH, "stop", "linux",
                "1.0-b\u00eata", Map.of(), Instant.EPOCH, "cf-dev@1");
        UsageEvent withoutOs = new UsageEvent(UUID.randomUUID(), PSEUDONYM, Instant.EPOCH, "stop", null, "1",
                Map.of(), Instant.EPOCH, "cf-dev@1");

        assertThat(PlainUsageEventWriter.write(plain)).isEqualTo(UsageEventJson.writeByGenerator(plain));
        assertThat(PlainUsageEventWriter.write(quoted)).isNull();
        assertThat(PlainUsageEventWriter.write(accented)).isNull();
        assertThat(PlainUsageEventWriter.write(withoutOs)).isNull();
        assertThat(Stream.of(quoted, accented, withoutOs))
                .allSatisfy(event -> assertThat(new String(UsageEventJson.write(event), StandardCharsets.UTF_8))
                        .isEqualTo(IntegrationJson.write(event)));
    }

    @Test
    void readsWhatTheHandWriterWroteFromTheBytesAndLeavesAnyOtherFormToTheStreamingReader() {
        Stream<UsageEvent> plain = Stream.concat(events(),
                instants().map(instant -> new UsageEvent(UUID.randomUUID(), PSEUDONYM, instant, "stop", "linux", "1",
                        Map.of("n", -7L, "big", 1L << 40, "on", false, "mode", "a b"), instant, "cf-dev@1")))
                .filter(event -> PlainUsageEventWriter.write(event) != null && fourDigitYear(event.occurredAt())
                        && fourDigitYear(event.receivedAt()));

        assertThat(plain).allSatisfy(event -> {
            byte[] json = UsageEventJson.write(event);
            assertThat(PlainUsageEventReader.read(json))
                    .isEqualTo(IntegrationJson.read(new String(json, StandardCharsets.UTF_8), UsageEvent.class));
        });
        assertThat(Stream.of(record("extra", "1"), record("os", "null"), record("data", "{\"a\":1,\"a\":2}"),
                record("data", "{\"cpus\": 4}"), record("data", "{\"cpus\":04}"), record("schemaVersion", "2"),
                record("catalog", "\"cf-dev@1\"") + " "))
                .allSatisfy(json -> assertThat(PlainUsageEventReader.read(json.getBytes(StandardCharsets.UTF_8)))
                        .isNull());
    }

    /** Years before 0 and after 9999 are written with a sign, which the canonical instant reader leaves alone. */
    private static boolean fourDigitYear(Instant instant) {
        return Character.isDigit(instant.toString().charAt(0));
    }

    @ParameterizedTest
    @MethodSource("events")
    void readsBackWhatItWrote(UsageEvent event) {
        assertThat(UsageEventJson.read(UsageEventJson.write(event)))
                .isEqualTo(IntegrationJson.read(IntegrationJson.write(event), UsageEvent.class));
    }

    /** Records as a writer gives them, each with one field replaced ({@code null}: removed) or added. */
    static Stream<String> records() {
        return Stream.of(
                record("type", null), record("type", "\"consent.granted\""), record("type", "1"),
                record("eventId", "\"" + ID.toUpperCase() + "\""), record("eventId", "\"" + ID.replace("-", "") + "\""),
                record("eventId", "\"C1x6UnxVSx6aVS88stXzoQ==\""), record("eventId", "\"not-an-id\""),
                record("eventId", "null"), record("eventId", null), record("pseudonym", null),
                record("pseudonym", "42"), record("pseudonym", "\"caf\\u00e9\""),
                record("occurredAt", "\"2026-11-21T10:15:30+02:00\""), record("occurredAt", "\"2026-11-21t10:15:30z\""),
                record("occurredAt", "\"2026-11-21T24:00:00Z\""), record("occurredAt", "\"2026-02-30T10:15:30Z\""),
                record("occurredAt", "1763720130.5"), record("occurredAt", "\"1763720130\""),
                record("occurredAt", "\"yesterday\""), record("occurredAt", null), record("receivedAt", "null"),
                record("receivedAt", "\"2026-11-21T10:16:30.123456789Z\""), record("event", "[\"start\"]"),
                record("event", null), record("os", null), record("os", "null"), record("os", "7"),
                record("os", "true"), record("build", "{}"), record("catalog", null), record("catalog", "1.5"),
                record("data", null), record("data", "null"), record("data", "{}"), record("data", "[]"),
                record("data", "{\"cpus\":4.5}"), record("data", "{\"cpus\":12345678901234567890123}"),
                record("data", "{\"cpus\":-2147483649}"), record("data", "{\"a\":null}"),
                record("data", "{\"a\":{\"b\":1}}"), record("data", "{\"a\":[1,2]}"),
                record("data", "{\"a\":1,\"a\":2}"),
                record("data", "{\"a\":2147483647,\"b\":2147483648,\"c\":-2147483648,\"d\":-2147483649,\"e\":-0,"
                        + "\"f\":999999999999999999,\"g\":-1000000000000000000,\"h\":9223372036854775808}"),
                record("data", "{\"" + "k".repeat(50_000) + "\":1}"),
                record("data", "{\"" + "k".repeat(50_001) + "\":1}"),
                record("schemaVersion", null), record("schemaVersion", "0"), record("schemaVersion", "2"),
                record("schemaVersion", "\"1\""), record("schemaVersion", "1.0"), record("schemaVersion", "-1"),
                record("schemaVersion", "99999999999"), record("extra", "1"), record("extra", "{\"nested\":[1,{}]}"),
                record("extra", "null"), record("extra", "\"text\""),
                record("pseudonym", "\"first\",\"pseudonym\":\"second\""),
                "", "   ", "null", "[]", "\"usage.event\"", "this is not JSON {", "{", "{\"type\":\"usage.event\"",
                record("catalog", "\"cf-dev@1\"") + " trailing", record("catalog", "\"cf-dev@1\"") + "{}");
    }

    private static String record(String field, String value) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("type", "\"usage.event\"");
        fields.put("eventId", "\"" + ID + "\"");
        fields.put("pseudonym", "\"" + PSEUDONYM + "\"");
        fields.put("occurredAt", "\"2026-11-21T10:15:30.123Z\"");
        fields.put("event", "\"error\"");
        fields.put("os", "\"linux\"");
        fields.put("build", "\"0.0.1234\"");
        fields.put("data", "{\"code\":\"E42\",\"cpus\":4,\"ok\":false}");
        fields.put("receivedAt", "\"2026-11-21T10:16:30Z\"");
        fields.put("catalog", "\"cf-dev@1\"");
        fields.put("schemaVersion", "1");
        if (value == null) {
            fields.remove(field);
        } else {
            fields.put(field, value);
        }
        StringBuilder json = new StringBuilder("{");
        fields.forEach((name, text) -> json.append(json.length() > 1 ? "," : "").append('"').append(name)
                .append("\":").append(text));
        return json.append('}').toString();
    }

    @ParameterizedTest
    @MethodSource("records")
    void decidesAsTheContractMapperOnEveryInput(String json) {
        assertThat(outcome(() -> UsageEventJson.read(json.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(outcome(() -> IntegrationJson.read(json, UsageEvent.class)));
    }

    @ParameterizedTest
    @MethodSource("records")
    void readsFieldsInAnyOrder(String json) {
        String reordered = json.replaceFirst("^\\{(\"type\":\"[^\"]*\"),(.*)}$", "{$2,$1}");

        assertThat(outcome(() -> UsageEventJson.read(reordered.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(outcome(() -> IntegrationJson.read(reordered, UsageEvent.class)));
    }

    @Test
    void bytesThatAreNotUtf8AreReadAsTheirDecodedText() {
        byte[] json = record("os", "\"lin\u00ffux\"").getBytes(StandardCharsets.ISO_8859_1);

        assertThat(outcome(() -> UsageEventJson.read(json)))
                .isEqualTo(outcome(() -> IntegrationJson.read(new String(json, StandardCharsets.UTF_8),
                        UsageEvent.class)));
    }

    /** The event read, or the reason it is unreadable. */
    private static Object outcome(Supplier<UsageEvent> read) {
        try {
            return read.get();
        } catch (IntegrationJson.UnreadableEventException e) {
            return e.reason();
        }
    }
}
