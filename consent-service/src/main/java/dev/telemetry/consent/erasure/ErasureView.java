package dev.telemetry.consent.erasure;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErasureView(UUID receipt, String status, Instant requestedAt, Instant completedAt) {

    public static ErasureView of(ErasureReceipt receipt) {
        return new ErasureView(receipt.receipt, receipt.status(), receipt.requestedAt, receipt.completedAt);
    }
}
