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
        try {
            UsageEvent event = UsageEventJson.read(value);
            try {
                return UsageRecord.Countable.of(event);
            } catch (IllegalArgumentException e) {
                throw new UnreadableEventException(Reason.INVALID_CONTENT, "occurredAt is in no quarter a report "
                        + "can hold: " + e.getMessage());
            }
        } catch (UnreadableEventException e) {
            return new UsageRecord.Unreadable(value == null ? null : new String(value, StandardCharsets.UTF_8), e);
        }
    }
}
