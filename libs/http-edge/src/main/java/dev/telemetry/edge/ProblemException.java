package dev.telemetry.edge;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/** Thrown by resources to answer with a problem; {@link ProblemMappers} renders it. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;
    private final long retryAfterSeconds;

    public ProblemException(Problem problem) {
        this(problem, 0);
    }

    /** For 429 and 503: the response tells the client when to try again ({@code Retry-After}). */
    public ProblemException(Problem problem, long retryAfterSeconds) {
        super(problem.title(), null, false, false);
        this.problem = problem;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Problem problem() {
        return problem;
    }

    public Response toResponse() {
        Response response = problem.toResponse();
        return retryAfterSeconds > 0
                ? Response.fromResponse(response).header(HttpHeaders.RETRY_AFTER, retryAfterSeconds).build()
                : response;
    }
}
