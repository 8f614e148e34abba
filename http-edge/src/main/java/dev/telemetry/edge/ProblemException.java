package dev.telemetry.edge;

/** Thrown by resources to answer with a problem; {@link ProblemMappers} renders it. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.title(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
