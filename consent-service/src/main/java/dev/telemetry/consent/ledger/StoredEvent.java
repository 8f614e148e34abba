package dev.telemetry.consent.ledger;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A row of the append-only {@code consent_event} table. Appends go through {@link ConsentLedger}. */
@Entity
@Table(name = "consent_event")
@IdClass(StoredEvent.Key.class)
public class StoredEvent extends PanacheEntityBase {

    @Id
    @Column(name = "stream_id")
    public String streamId;

    @Id
    public long version;

    @Column(name = "event_id")
    public UUID eventId;

    @Column(name = "event_type")
    public String eventType;

    @Column(name = "schema_version")
    public int schemaVersion;

    public String payload;

    @Column(name = "recorded_at")
    public Instant recordedAt;

    public static class Key implements Serializable {
        public String streamId;
        public long version;

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.version == version && Objects.equals(key.streamId, streamId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(streamId, version);
        }
    }
}
