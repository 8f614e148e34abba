package dev.telemetry.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MachineProofsTest {

    private static final String PROOF = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Test
    void theVerifierIsTheSha256OfTheProofsBytes() {
        // sha256 of the 32 bytes 9f86...0a08, computed independently (printf ... | xxd -r -p | sha256sum)
        assertThat(MachineProofs.verifierOf(PROOF))
                .isEqualTo("954d5a49fd70d9b8bcdb35d252267829957f7ef7fa6c74f88419bdc5e82209f4");
    }

    @Test
    void onlyTheStoredVerifierMatches() {
        String verifier = MachineProofs.verifierOf(PROOF);
        String other = MachineProofs.verifierOf(PROOF.replace('9', '8'));

        assertThat(MachineProofs.matches(verifier, verifier)).isTrue();
        assertThat(MachineProofs.matches(verifier, other)).isFalse();
        assertThat(MachineProofs.matches(null, other)).as("a machine without a verifier").isFalse();
        assertThat(MachineProofs.matches(null, "0".repeat(64))).as("not even the all-zero placeholder").isFalse();
        assertThat(MachineProofs.matches(verifier, null)).isFalse();
        assertThat(MachineProofs.matches("not a verifier", "nor this")).as("two malformed values").isFalse();
        assertThat(MachineProofs.matches("0".repeat(64), "nor this")).as("malformed against all zeros").isFalse();
    }

    @Test
    void aProofIs64LowercaseHexCharacters() {
        assertThat(MachineProofs.isProof(PROOF)).isTrue();
        assertThat(MachineProofs.isProof(PROOF.toUpperCase())).isFalse();
        assertThat(MachineProofs.isProof(PROOF.substring(1))).isFalse();
        assertThat(MachineProofs.isProof(PROOF + "0")).isFalse();
        for (char beside : "/:`g".toCharArray()) { // just outside 0-9 and a-f
            assertThat(MachineProofs.isProof(PROOF.substring(0, 63) + beside)).as("ends in %s", beside).isFalse();
        }
        assertThat(MachineProofs.isProof(null)).isFalse();
        assertThatThrownBy(() -> MachineProofs.verifierOf("proof")).isInstanceOf(IllegalArgumentException.class);
    }
}
