package dev.telemetry.consent.ledger;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** The {@code consent_state} projection: one row per machine that ever answered. */
@Entity
@Table(name = "consent_state")
public class ConsentStateRow extends PanacheEntityBase {

    @Id
    @Column(name = "stream_id")
    public String streamId;

    public long version;

    @Enumerated(EnumType.STRING)
    public ConsentState.Status status;

    public Instant since;

    @Column(name = "pending_erasure")
    public UUID pendingErasure;

    public ConsentState toState() {
        return new ConsentState(version, status, since, pendingErasure);
    }

    public static ConsentStateRow of(String streamId, ConsentState state) {
        ConsentStateRow row = new ConsentStateRow();
        row.streamId = streamId;
        row.apply(state);
        return row;
    }

    public void apply(ConsentState state) {
        version = state.version();
        status = state.status();
        since = state.since();
        pendingErasure = state.pendingErasure();
    }
}
