package dev.telemetry.collector.ingest;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The answer to a push: counts per status and one result per event, in order. */
@RegisterForReflection
@JsonPropertyOrder({"accepted", "duplicates", "rejected", "retry", "results"})
public record PushResult(long accepted, long duplicates, long rejected, long retry, List<EventResult> results) {

    static PushResult of(List<EventResult> results) {
        return new PushResult(count(results, EventResult.ACCEPTED), count(results, EventResult.DUPLICATE),
                count(results, EventResult.REJECTED), count(results, EventResult.RETRY), results);
    }

    private static long count(List<EventResult> results, String status) {
        return results.stream().filter(result -> result.status().equals(status)).count();
    }
}
