package dev.telemetry.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.telemetry.contract.MachineProofs;
import dev.telemetry.testing.SimulatedMachines;

/** A push's proofs are compared once per run of a machine's same proof, and each event still gets its own verdict. */
class MachineProofCheckTest {

    private static final String MACHINE = "a".repeat(64);
    private static final String OTHER_MACHINE = "b".repeat(64);
    private static final String PROOF = SimulatedMachines.proofOf("machine");
    private static final String OTHER_PROOF = SimulatedMachines.proofOf("other machine");

    @Test
    void eachEventIsJudgedByItsOwnProofWhateverTheEventsBeforeItPresented() {
        MachineProofCheck.Proofs proofs = new MachineProofCheck.Proofs(Map.of(MACHINE, MachineProofs.verifierOf(PROOF),
                OTHER_MACHINE, MachineProofs.verifierOf(OTHER_PROOF)));

        assertThat(proofs.proves(MACHINE, PROOF)).isTrue();
        assertThat(proofs.proves(MACHINE, new String(PROOF.toCharArray()))).as("the same proof again").isTrue();
        assertThat(proofs.proves(MACHINE, OTHER_PROOF)).as("another machine's proof").isFalse();
        assertThat(proofs.proves(MACHINE, OTHER_PROOF)).isFalse();
        assertThat(proofs.proves(MACHINE, PROOF)).as("the right proof after a wrong one").isTrue();
        assertThat(proofs.proves(OTHER_MACHINE, PROOF)).isFalse();
        assertThat(proofs.proves(OTHER_MACHINE, OTHER_PROOF)).isTrue();
    }

    @Test
    void aMachineWithoutAVerifierIsProvenByNoProof() {
        MachineProofCheck.Proofs proofs = new MachineProofCheck.Proofs(
                Map.of(MACHINE, MachineProofs.verifierOf(PROOF)));

        assertThat(proofs.proves(OTHER_MACHINE, PROOF)).isFalse();
        assertThat(proofs.proves(OTHER_MACHINE, OTHER_PROOF)).isFalse();
        assertThat(proofs.proves(OTHER_MACHINE, OTHER_PROOF)).isFalse();
    }
}
