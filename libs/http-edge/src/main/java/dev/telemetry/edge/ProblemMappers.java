package dev.telemetry.edge;

import java.util.List;
import java.util.Map;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/** Every error any service returns is an RFC 9457 problem; nothing leaks an exception class or a payload. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    /** The problem a plain HTTP status becomes: {@code urn:telemetry:problem:<type>}, titled {@code title}. */
    private record StatusProblem(String type, String title) {
    }

    private static final StatusProblem CLIENT_ERROR = new StatusProblem("client-error", "Client error");

    private static final Map<Integer, StatusProblem> BY_STATUS = Map.of(
            400, new StatusProblem("bad-request", "Bad request"),
            404, new StatusProblem("not-found", "Not found"),
            405, new StatusProblem("method-not-allowed", "Method not allowed"),
            406, new StatusProblem("not-acceptable", "No acceptable representation"),
            413, new StatusProblem("payload-too-large", "Request body too large"),
            415, new StatusProblem("unsupported-media-type", "Unsupported media type"),
            429, new StatusProblem("rate-limited", "Too many requests"),
            503, new StatusProblem("unavailable", "Service unavailable"));

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return e.toResponse();
    }

    @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class})
    public Response unauthorized() {
        return Response.fromResponse(Problem.of(Status.UNAUTHORIZED, "unauthorized", "Missing or invalid API key",
                "Send a valid, unrevoked API key as 'Authorization: Bearer <key>'.").toResponse())
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Problem.of(Status.FORBIDDEN, "forbidden", "API key not allowed here",
                "This API key's groups do not include the one this endpoint requires.").toResponse();
    }

    @ServerExceptionMapper
    public Response invalidJson(JsonProcessingException e) {
        return Problem.of(Status.BAD_REQUEST, "malformed-json", "Malformed JSON",
                "The request body is not well-formed JSON.").toResponse();
    }

    /** Well-formed JSON of the wrong shape: an unknown field, a wrong type, an array for an object. */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        String message = e instanceof UnrecognizedPropertyException ? "unknown field" : "wrong type or shape";
        return invalidBody(field(e), message);
    }

    @ServerExceptionMapper
    public Response invalidRequest(ConstraintViolationException e) {
        List<Problem.Violation> violations = e.getConstraintViolations().stream()
                .map(ProblemMappers::violation)
                .sorted((a, b) -> a.field().compareTo(b.field()))
                .toList();
        return Problem.of(Status.BAD_REQUEST, "invalid-request", "Invalid request",
                "The request does not satisfy the API contract; see 'errors'.")
                .withErrors(violations)
                .toResponse();
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        // The JSON reader wraps parse errors into a plain 400.
        if (status == 400 && e.getCause() instanceof MismatchedInputException mismatched) {
            return mismatchedJson(mismatched);
        }
        if (status == 400 && e.getCause() instanceof JsonProcessingException malformed) {
            return invalidJson(malformed);
        }
        if (status >= 500) {
            return unexpected(e);
        }
        StatusProblem known = BY_STATUS.getOrDefault(status, CLIENT_ERROR);
        Response problem = new Problem("urn:telemetry:problem:" + known.type(), known.title(), status,
                known.title() + ".", List.of()).toResponse();
        Response.ResponseBuilder builder = Response.fromResponse(problem);
        // Keep headers such as Allow (405) and Retry-After (429, 503) that the original response carried.
        e.getResponse().getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)
                    && !name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        return builder.build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        LOG.error("unexpected error while serving a request", e);
        return Problem.of(Status.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
                "The request could not be completed; it is safe to retry.").toResponse();
    }

    private static Response invalidBody(String field, String message) {
        return Problem.of(Status.BAD_REQUEST, "invalid-request", "Invalid request",
                "The request does not satisfy the API contract; see 'errors'.")
                .withErrors(List.of(new Problem.Violation(field, message)))
                .toResponse();
    }

    private static String field(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "(body)" : path.toString();
    }

    private static Problem.Violation violation(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        // Drop the Java method and parameter prefix ("put.request.") so the field reads as on the wire.
        String[] parts = path.split("\\.");
        String field = parts.length > 2
                ? String.join(".", List.of(parts).subList(2, parts.length))
                : parts[parts.length - 1];
        return new Problem.Violation(field, violation.getMessage());
    }
}
