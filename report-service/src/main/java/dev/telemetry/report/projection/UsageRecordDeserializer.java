package dev.telemetry.report.projection;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

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

    /**
     * The pseudonym of the record before. A machine's events come in runs (a push is one machine's spool), so its
     * events share one string, whose hash code the counting maps compute once per run instead of once per event.
     */
    private String lastPseudonym;
    /** The quarter and day of the record before, whose strings the next records of that UTC day share. */
    private UsageRecord.Countable lastOfDay;

    @Override
    public UsageRecord deserialize(String topic, byte[] value) {
        UsageEvent event;
        try {
            event = sharingPseudonym(UsageEventJson.read(value));
        } catch (UnreadableEventException e) {
            return unreadable(value, e);
        }
        try {
            return countable(event);
        } catch (IllegalArgumentException e) {
            return unreadable(value, new UnreadableEventException(Reason.INVALID_CONTENT,
                    "occurredAt is in no quarter a report can hold: " + e.getMessage()));
        }
    }

    private UsageRecord.Countable countable(UsageEvent event) {
        UsageRecord.Countable last = lastOfDay;
        if (last != null && sameUtcDay(last.event().occurredAt(), event.occurredAt())) {
            return new UsageRecord.Countable(event, last.quarter(), last.day());
        }
        UsageRecord.Countable countable = UsageRecord.Countable.of(event);
        lastOfDay = countable;
        return countable;
    }

    private static boolean sameUtcDay(Instant a, Instant b) {
        return Math.floorDiv(a.getEpochSecond(), 86_400) == Math.floorDiv(b.getEpochSecond(), 86_400);
    }

    private UsageEvent sharingPseudonym(UsageEvent event) {
        String last = lastPseudonym;
        if (!event.pseudonym().equals(last)) {
            lastPseudonym = event.pseudonym();
            return event;
        }
        return new UsageEvent(event.eventId(), last, event.occurredAt(), event.event(), event.os(), event.build(),
                event.data(), event.receivedAt(), event.catalog());
    }

    private static UsageRecord unreadable(byte[] value, UnreadableEventException reason) {
        return new UsageRecord.Unreadable(value == null ? null : new String(value, StandardCharsets.UTF_8), reason);
    }
}
