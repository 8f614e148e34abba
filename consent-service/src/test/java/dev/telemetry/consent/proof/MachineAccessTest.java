package dev.telemetry.consent.proof;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.telemetry.contract.MachineProofs;

class MachineAccessTest {

    private static final String OWN = MachineProofs.verifierOf("a".repeat(64));
    private static final String OTHER = MachineProofs.verifierOf("b".repeat(64));

    @Test
    void givenAMachineWithAVerifier_onlyItsOwnProofActsForIt() {
        assertThat(MachineAccess.decide(true, true, OWN, OWN)).isEqualTo(MachineAccess.ALLOWED);
        assertThat(MachineAccess.decide(false, true, OWN, OWN)).isEqualTo(MachineAccess.ALLOWED);
        assertThat(MachineAccess.decide(true, true, OWN, OTHER)).isEqualTo(MachineAccess.REFUSED);
        assertThat(MachineAccess.decide(false, true, OWN, OTHER)).isEqualTo(MachineAccess.REFUSED);
    }

    @Test
    void givenAnUnknownMachine_itsFirstDecisionClaimsItAndNothingElseDoes() {
        assertThat(MachineAccess.decide(true, false, null, OTHER)).isEqualTo(MachineAccess.CLAIM);
        assertThat(MachineAccess.decide(false, false, null, OTHER)).as("a read or an erasure")
                .isEqualTo(MachineAccess.REFUSED);
    }

    @Test
    void givenAMachineRecordedBeforeProofs_nothingCanClaimIt() {
        assertThat(MachineAccess.decide(true, true, null, OTHER)).isEqualTo(MachineAccess.REFUSED);
        assertThat(MachineAccess.decide(false, true, null, OTHER)).isEqualTo(MachineAccess.REFUSED);
    }
}
