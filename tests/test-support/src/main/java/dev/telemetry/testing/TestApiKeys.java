package dev.telemetry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

import dev.telemetry.apikeys.ApiKeyGroups;
import dev.telemetry.apikeys.ApiKeyMinter;
import dev.telemetry.apikeys.KeyFiles;

/**
 * API keys for tests, signed with the test-only key pair that {@link RealInfrastructure} generated, and the
 * forged or spoiled keys a service must refuse.
 */
public final class TestApiKeys {

    private TestApiKeys() {
    }

    public static String ingest() {
        return withGroup(ApiKeyGroups.INGEST);
    }

    public static String admin() {
        return withGroup(ApiKeyGroups.ADMIN);
    }

    public static String withGroup(String group) {
        return minter().mint("test-client", Set.of(group), ApiKeyMinter.DEFAULT_VALIDITY).token();
    }

    public static String revoked(String group) {
        String id = config().getValue(RealInfrastructure.REVOKED_ID_PROPERTY, String.class);
        return minter().mint(id, "test-client", Set.of(group), ApiKeyMinter.DEFAULT_VALIDITY).token();
    }

    public static String expired(String group) {
        Clock lastWeek = Clock.fixed(Instant.now().minus(Duration.ofDays(7)), Clock.systemUTC().getZone());
        return new ApiKeyMinter(privateKey(), issuer(), audience(), lastWeek)
                .mint("test-client", Set.of(group), Duration.ofDays(1)).token();
    }

    public static String wrongIssuer(String group) {
        return new ApiKeyMinter(privateKey(), "https://attacker.example", audience())
                .mint("test-client", Set.of(group), Duration.ofDays(1)).token();
    }

    public static String wrongAudience(String group) {
        return new ApiKeyMinter(privateKey(), issuer(), "another-service")
                .mint("test-client", Set.of(group), Duration.ofDays(1)).token();
    }

    /** Well-formed and correctly claimed, but signed by a key the service does not trust. */
    public static String badSignature(String group) {
        return new ApiKeyMinter(KeyFiles.generate().getPrivate(), issuer(), audience())
                .mint("test-client", Set.of(group), Duration.ofDays(1)).token();
    }

    /** A valid key's header and claims with {@code alg: none} and no signature. */
    public static String unsigned(String group) {
        String[] parts = withGroup(group).split("\\.");
        String header = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        return header + "." + parts[1] + ".";
    }

    /** The classic key-confusion attack: HS256 with the service's public key (its PEM text) as the secret. */
    public static String hmacWithPublicKey(String group) {
        String[] parts = withGroup(group).split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setDoKeyValidation(false);
        try {
            Path publicKey = Path.of(config().getValue("mp.jwt.verify.publickey.location", String.class));
            jws.setKey(new HmacKey(Files.readAllBytes(publicKey)));
            return jws.getCompactSerialization();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ApiKeyMinter minter() {
        return new ApiKeyMinter(privateKey(), issuer(), audience());
    }

    private static java.security.PrivateKey privateKey() {
        try {
            return KeyFiles.readPrivateKey(Path.of(config().getValue(RealInfrastructure.PRIVATE_KEY_PROPERTY,
                    String.class)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String issuer() {
        return config().getValue("mp.jwt.verify.issuer", String.class);
    }

    private static String audience() {
        return config().getValue("mp.jwt.verify.audiences", String.class);
    }

    private static Config config() {
        return ConfigProvider.getConfig();
    }
}
