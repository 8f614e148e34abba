package dev.telemetry.collector.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What happened to one event of a push, in the order the events were sent. {@code rejected} is permanent (drop
 * it), {@code retry} transient (keep it and push it again later), {@code duplicate} means it was accepted before.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"index", "id", "status", "reason", "detail"})
public record EventResult(int index, String id, String status, String reason, String detail) {

    public static final String ACCEPTED = "accepted";
    public static final String DUPLICATE = "duplicate";
    public static final String REJECTED = "rejected";
    public static final String RETRY = "retry";

    static EventResult accepted(int index, String id) {
        return new EventResult(index, id, ACCEPTED, null, null);
    }
}
