package dev.telemetry.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.usage.UsageEvent;

/** The collector's own writer of usage records says byte for byte what the contract's mapper says. */
class UsageRecordJsonTest {

    private static final String PSEUDONYM = "708eea6cc5c48906a9bb54fc66ea6af946e0bff3bdbe740c87cac8a6c057a1ac";

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
                event("2026-02-28T23:59:59.000001Z", Map.of("verbose", false)));
    }

    private static UsageEvent event(String occurredAt, Map<String, Object> data) {
        return new UsageEvent(UUID.randomUUID(), PSEUDONYM, Instant.parse(occurredAt), "start_begin", "linux",
                "0.0.1234", data, Instant.parse("2026-11-21T10:16:30.123456Z"), "cf-dev@1");
    }

    @ParameterizedTest
    @MethodSource("events")
    void writesWhatTheContractMapperWrites(UsageEvent event) {
        String written = new String(UsageRecordJson.write(event), StandardCharsets.UTF_8);

        assertThat(written).isEqualTo(IntegrationJson.write(event));
        assertThat(IntegrationJson.read(written, UsageEvent.class).eventId()).isEqualTo(event.eventId());
    }
}
