package dev.telemetry.consent.proof;

import jakarta.ws.rs.core.Response.Status;

import dev.telemetry.contract.MachineProofs;
import dev.telemetry.edge.Problem;
import dev.telemetry.edge.ProblemException;

/**
 * Whether a request may act for a machine, as a pure function. A machine is bound to the verifier of the proof sent
 * with its first consent decision (trust on first use); from then on only that proof acts for it. Everything else
 * is refused with one answer, so that a refusal does not tell an unknown machine from a wrong proof.
 */
public enum MachineAccess {
    /** The presented proof is the machine's. */
    ALLOWED,
    /** The machine has no record and this is its first consent decision: the presented verifier becomes its own. */
    CLAIM, REFUSED;

    /**
     * @param firstDecisionMayClaim whether the request is a consent decision ({@code PUT}); reads and erasure never
     *            claim a machine
     * @param recorded whether any consent event exists for the machine (a machine recorded before proofs existed
     *            has events but no verifier, and can never be claimed)
     * @param storedVerifier the machine's verifier, null if it has none
     */
    public static MachineAccess decide(boolean firstDecisionMayClaim, boolean recorded, String storedVerifier,
            String presentedVerifier) {
        // Compared first and always, so that every path costs one constant-time comparison.
        if (MachineProofs.matches(storedVerifier, presentedVerifier)) {
            return ALLOWED;
        }
        return storedVerifier == null && !recorded && firstDecisionMayClaim ? CLAIM : REFUSED;
    }

    /** The one answer to every refused request: 403 {@code proof-rejected}. */
    public static ProblemException refusal() {
        return new ProblemException(Problem.of(Status.FORBIDDEN, "proof-rejected", "Proof not accepted",
                "This request cannot act for this anonymous id with this proof."));
    }
}
