package dev.telemetry.report.projection;

import java.util.UUID;

import dev.telemetry.contract.IntegrationJson.UnreadableEventException;
import dev.telemetry.contract.usage.UsageEvent;
import dev.telemetry.report.quarter.Quarter;

/**
 * A usage record's value as {@link UsageRecordDeserializer} read it: an event with the quarter and UTC day it counts
 * in, or the text of a message no reader of this version can interpret.
 */
public sealed interface UsageRecord {

    /** A readable event. */
    record Countable(UsageEvent event, String quarter, String day) implements UsageRecord {

        static Countable of(UsageEvent event) {
            return new Countable(event, Quarter.of(event.occurredAt()).toString(), CountingRule.day(event));
        }

        /** What identifies the event for the dedupe: a resent event has the same key. */
        EventKey key() {
            return new EventKey(event.pseudonym(), event.eventId());
        }
    }

    /** A poison message, to be parked on the dead-letter topic. */
    record Unreadable(String value, UnreadableEventException reason) implements UsageRecord {
    }

    /** A machine's event id (ids are the clients' own, so unique per machine only). */
    record EventKey(String pseudonym, UUID eventId) {

        // By hand: a record's generated hashCode and equals went through method handles, 4 % of counting's time.
        @Override
        public int hashCode() {
            return 31 * pseudonym.hashCode() + eventId.hashCode();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof EventKey key && eventId.equals(key.eventId) && pseudonym.equals(key.pseudonym);
        }
    }
}
