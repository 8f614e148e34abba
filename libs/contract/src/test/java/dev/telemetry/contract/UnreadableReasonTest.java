package dev.telemetry.contract;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.telemetry.contract.IntegrationJson.Reason;
import dev.telemetry.contract.IntegrationJson.UnreadableEventException;
import dev.telemetry.contract.consent.ConsentGrantedMessage;
import dev.telemetry.contract.consent.ConsentMessage;
import dev.telemetry.contract.erasure.ErasureCompleted;
import dev.telemetry.contract.usage.UsageEvent;

/** Each kind of poison message is unreadable for its own reason, the one consumers put on the dead-letter topic. */
class UnreadableReasonTest {

    private static final String PSEUDONYM = "00".repeat(32);

    @ParameterizedTest
    @CsvSource({"consent", "usage", "erasure"})
    void eachPoisonHasItsReason(String topic) {
        Class<? extends IntegrationEvent> type = switch (topic) {
            case "consent" -> ConsentMessage.class;
            case "usage" -> UsageEvent.class;
            default -> ErasureCompleted.class;
        };
        String typeName = switch (topic) {
            case "consent" -> ConsentGrantedMessage.TYPE;
            case "usage" -> UsageEvent.TYPE;
            default -> ErasureCompleted.TYPE;
        };
        assertReason(type, "this is not JSON {", Reason.NOT_JSON);
        assertReason(type, "{\"type\":\"no.such.type\",\"schemaVersion\":1,\"eventId\":\"%s\"}"
                .formatted(UUID.randomUUID()), Reason.UNKNOWN_TYPE);
        assertReason(type, ("{\"type\":\"%s\",\"schemaVersion\":99,\"eventId\":\"%s\",\"pseudonym\":\"%s\","
                + "\"occurredAt\":\"2026-01-01T00:00:00Z\"}").formatted(typeName, UUID.randomUUID(), PSEUDONYM),
                Reason.UNKNOWN_SCHEMA_VERSION);
        assertReason(type, "{\"type\":\"%s\",\"schemaVersion\":1,\"eventId\":\"%s\"}"
                .formatted(typeName, UUID.randomUUID()), Reason.INVALID_CONTENT);
    }

    private static void assertReason(Class<? extends IntegrationEvent> type, String json, Reason reason) {
        assertThatThrownBy(() -> IntegrationJson.read(json, type)).isInstanceOf(UnreadableEventException.class)
                .extracting(e -> ((UnreadableEventException) e).reason()).isEqualTo(reason);
    }
}
