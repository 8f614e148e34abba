package dev.telemetry.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PseudonymsTest {

    private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String ANONYMOUS_ID = "62a09dd881fccba21f6b2e3e19409a60032096ed3fc46491b5cbdc628a58fe52";

    @Test
    void pseudonymIsHmacSha256OfTheAnonymousIdUnderTheKey() {
        // Expected value computed independently: python3 hmac.new(bytes(range(32)), id, sha256).hexdigest()
        assertThat(Pseudonyms.fromBase64(KEY).of(ANONYMOUS_ID))
                .isEqualTo("708eea6cc5c48906a9bb54fc66ea6af946e0bff3bdbe740c87cac8a6c057a1ac");
    }

    @Test
    void anotherKeyGivesAnUnrelatedPseudonym() {
        String other = java.util.Base64.getEncoder().encodeToString(new byte[32]);

        assertThat(Pseudonyms.fromBase64(other).of(ANONYMOUS_ID))
                .isNotEqualTo(Pseudonyms.fromBase64(KEY).of(ANONYMOUS_ID));
    }

    @Test
    void refusesShortKeysAndIdsThatAreNotLowercaseSha256Hex() {
        assertThatThrownBy(() -> Pseudonyms.fromBase64("c2hvcnQ=")).hasMessageContaining("at least 32 bytes");
        Pseudonyms pseudonyms = Pseudonyms.fromBase64(KEY);
        assertThatThrownBy(() -> pseudonyms.of(ANONYMOUS_ID.toUpperCase()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pseudonyms.of(ANONYMOUS_ID.substring(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pseudonyms.of("me@example.com")).isInstanceOf(IllegalArgumentException.class);
    }
}
