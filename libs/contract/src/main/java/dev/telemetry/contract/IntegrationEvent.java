package dev.telemetry.contract;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What every message on a topic carries: a unique id (consumers deduplicate by it), the pseudonym of the
 * machine it concerns (also the Kafka key), when it happened, and the schema version of its type.
 */
public interface IntegrationEvent {

    UUID eventId();

    String pseudonym();

    Instant occurredAt();

    /** Bumped only for an incompatible change; readers upcast older versions (see {@link IntegrationJson}). */
    @JsonProperty("schemaVersion")
    default int schemaVersion() {
        return 1;
    }
}
