package dev.telemetry.report.projection;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.serialization.Deserializer;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.telemetry.contract.IntegrationJson.Reason;
import dev.telemetry.contract.IntegrationJson.UnreadableEventException;
import dev.telemetry.contract.usage.UsageEvent;
import dev.telemetry.contract.usage.UsageEventJson;

/**
 * Reads usage records where Kafka deserialises them: on the consumer's own polling thread, which fetches the next
 * batch while the event loop counts this one, so reading and counting use a core each. Never throws: a record it
 * cannot read becomes {@link UsageRecord.Unreadable}, for the projection to park.
 */
@RegisterForReflection // Kafka instantiates it by name
public class UsageRecordDeserializer implements Deserializer<UsageRecord> {

    @Override
    public UsageRecord deserialize(String topic, byte[] value) {
        UsageEvent event;
        try {
            event = UsageEventJson.read(value);
        } catch (UnreadableEventException e) {
            return unreadable(value, e);
        }
        try {
            return UsageRecord.Countable.of(event);
        } catch (IllegalArgumentException e) {
            return unreadable(value, new UnreadableEventException(Reason.INVALID_CONTENT,
                    "occurredAt is in no quarter a report can hold: " + e.getMessage()));
        }
    }

    private static UsageRecord unreadable(byte[] value, UnreadableEventException reason) {
        return new UsageRecord.Unreadable(value == null ? null : new String(value, StandardCharsets.UTF_8), reason);
    }
}
