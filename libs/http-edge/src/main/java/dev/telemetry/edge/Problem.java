package dev.telemetry.edge;

import java.util.List;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An RFC 9457 problem detail. {@code type} is stable per kind of error, so clients branch on it; {@code detail}
 * is for humans and never echoes a payload or an exception class.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<Violation> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final MediaType MEDIA = MediaType.valueOf(MEDIA_TYPE);
    private static final String TYPE_PREFIX = "urn:telemetry:problem:";

    /** One offending field or value, e.g. {@code {"field": "optIn", "message": "must be a boolean"}}. */
    @RegisterForReflection
    public record Violation(String field, String message) {
    }

    public static Problem of(Response.StatusType status, String kind, String title, String detail) {
        return new Problem(TYPE_PREFIX + kind, title, status.getStatusCode(), detail, List.of());
    }

    public Problem withErrors(List<Violation> violations) {
        return new Problem(type, title, status, detail, List.copyOf(violations));
    }

    public Response toResponse() {
        return Response.status(status).type(MEDIA).entity(this).build();
    }
}
