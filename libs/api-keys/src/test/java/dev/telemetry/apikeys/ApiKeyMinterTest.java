package dev.telemetry.apikeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeyMinterTest {

    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

    @TempDir
    Path directory;

    @Test
    void mintedKeyCarriesEveryClaimAndVerifiesWithThePublicKeyFile() throws Exception {
        KeyFiles.write(KeyFiles.generate(), directory);
        ApiKeyMinter minter = new ApiKeyMinter(KeyFiles.readPrivateKey(directory.resolve(KeyFiles.PRIVATE_KEY_FILE)),
                "https://issuer.test", "telemetry-suite", Clock.fixed(NOW, ZoneOffset.UTC));

        ApiKeyMinter.ApiKey key = minter.mint("cf-dev-cli", Set.of(ApiKeyGroups.INGEST), ApiKeyMinter.DEFAULT_VALIDITY);

        JwtConsumer consumer = new JwtConsumerBuilder()
                .setVerificationKey(KeyFiles.readPublicKey(directory.resolve(KeyFiles.PUBLIC_KEY_FILE)))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256)
                .setExpectedIssuer("https://issuer.test")
                .setExpectedAudience("telemetry-suite")
                .setEvaluationTime(org.jose4j.jwt.NumericDate.fromSeconds(NOW.getEpochSecond()))
                .setRequireJwtId()
                .setRequireIssuedAt()
                .setRequireExpirationTime()
                .build();
        JwtClaims claims = consumer.processToClaims(key.token());
        assertThat(claims.getSubject()).isEqualTo("cf-dev-cli");
        assertThat(claims.getStringListClaimValue("groups")).containsExactly("ingest");
        assertThat(claims.getJwtId()).isEqualTo(key.id());
        assertThat(claims.getIssuedAt().getValue()).isEqualTo(NOW.getEpochSecond());
        assertThat(Instant.ofEpochSecond(claims.getExpirationTime().getValue()))
                .isEqualTo(NOW.plus(Duration.ofDays(730)))
                .isEqualTo(key.expiresAt());
    }

    @Test
    void everyKeyHasItsOwnId() {
        ApiKeyMinter minter = new ApiKeyMinter(KeyFiles.generate().getPrivate(), "i", "a");

        String first = minter.mint("cli", Set.of(ApiKeyGroups.INGEST), Duration.ofDays(1)).id();
        String second = minter.mint("cli", Set.of(ApiKeyGroups.INGEST), Duration.ofDays(1)).id();

        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void refusesUnknownGroupsBlankSubjectsAndNonPositiveValidity() {
        ApiKeyMinter minter = new ApiKeyMinter(KeyFiles.generate().getPrivate(), "i", "a");

        assertThatThrownBy(() -> minter.mint("cli", Set.of("root"), Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("root");
        assertThatThrownBy(() -> minter.mint(" ", Set.of(ApiKeyGroups.INGEST), Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> minter.mint("cli", Set.of(ApiKeyGroups.INGEST), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void privateKeyFileIsReadableByItsOwnerOnly() throws Exception {
        KeyPair keys = KeyFiles.generate();

        KeyFiles.write(keys, directory);

        assertThat(PosixFilePermissions.toString(
                Files.getPosixFilePermissions(directory.resolve(KeyFiles.PRIVATE_KEY_FILE)))).isEqualTo("rw-------");
        assertThat(KeyFiles.readPrivateKey(directory.resolve(KeyFiles.PRIVATE_KEY_FILE))).isEqualTo(keys.getPrivate());
        assertThat(KeyFiles.readPublicKey(directory.resolve(KeyFiles.PUBLIC_KEY_FILE))).isEqualTo(keys.getPublic());
    }
}
