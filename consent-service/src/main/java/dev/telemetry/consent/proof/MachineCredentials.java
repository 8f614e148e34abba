package dev.telemetry.consent.proof;

import jakarta.ws.rs.core.Response.Status;

import dev.telemetry.contract.MachineProofs;
import dev.telemetry.contract.Pseudonyms;
import dev.telemetry.edge.Problem;
import dev.telemetry.edge.ProblemException;

/**
 * Who a consent request speaks for and what it proves: the anonymous ID and the verifier of the presented proof
 * (the proof itself goes no further than this class). Both come from request headers, never from the URL, so that
 * neither ends up in an access log.
 */
public record MachineCredentials(String anonymousId, String presentedVerifier) {

    /**
     * Reads the headers. Only their syntax is checked here, so these answers say nothing about any machine.
     *
     * @throws ProblemException 400 {@code invalid-anonymous-id} or 401 {@code proof-required}
     */
    public static MachineCredentials from(String anonymousId, String proof) {
        if (!Pseudonyms.isAnonymousId(anonymousId)) {
            throw new ProblemException(Problem.of(Status.BAD_REQUEST, "invalid-anonymous-id", "Invalid anonymous id",
                    "The " + MachineProofs.ANONYMOUS_ID_HEADER
                            + " header must be 64 lowercase hexadecimal characters (a SHA-256)."));
        }
        if (!MachineProofs.isProof(proof)) {
            throw new ProblemException(Problem.of(Status.UNAUTHORIZED, "proof-required", "Machine proof required",
                    "Send the machine's proof in the " + MachineProofs.HEADER
                            + " header: 64 lowercase hexadecimal characters (docs/api.md)."));
        }
        return new MachineCredentials(anonymousId, MachineProofs.verifierOf(proof));
    }

    @Override
    public String toString() {
        return "MachineCredentials[...]"; // never log an identifier
    }
}
