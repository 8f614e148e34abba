package dev.telemetry.consent.erasure;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** An erasure request: pending until report-service confirms the machine is gone from every open aggregate. */
@Entity
@Table(name = "erasure_receipt")
public class ErasureReceipt extends PanacheEntityBase {

    @Id
    public UUID receipt;

    @Column(name = "stream_id")
    public String streamId;

    @Column(name = "requested_at")
    public Instant requestedAt;

    @Column(name = "completed_at")
    public Instant completedAt;

    public static ErasureReceipt pending(UUID receipt, String streamId, Instant requestedAt) {
        ErasureReceipt row = new ErasureReceipt();
        row.receipt = receipt;
        row.streamId = streamId;
        row.requestedAt = requestedAt;
        return row;
    }

    public String status() {
        return completedAt == null ? "pending" : "completed";
    }
}
