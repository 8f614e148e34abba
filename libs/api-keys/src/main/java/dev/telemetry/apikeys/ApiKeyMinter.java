package dev.telemetry.apikeys;

import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * Mints API keys: RS256-signed JWTs with issuer, audience, subject (the client), groups, a unique {@code jti}
 * (what a revocation list names), issue time and expiry.
 */
public final class ApiKeyMinter {

    /** CLI keys live inside shipped binaries, so they are long-lived and revoked by {@code jti} when leaked. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(730);
    public static final Set<String> GROUPS = Set.of(ApiKeyGroups.INGEST, ApiKeyGroups.ADMIN);

    private final PrivateKey privateKey;
    private final String issuer;
    private final String audience;
    private final Clock clock;

    public ApiKeyMinter(PrivateKey privateKey, String issuer, String audience, Clock clock) {
        this.privateKey = privateKey;
        this.issuer = issuer;
        this.audience = audience;
        this.clock = clock;
    }

    public ApiKeyMinter(PrivateKey privateKey, String issuer, String audience) {
        this(privateKey, issuer, audience, Clock.systemUTC());
    }

    public ApiKey mint(String subject, Set<String> groups, Duration validity) {
        return mint(UUID.randomUUID().toString(), subject, groups, validity);
    }

    /** Mints a key with a chosen {@code jti}; tests use it to mint a key that is already on a revocation list. */
    public ApiKey mint(String id, String subject, Set<String> groups, Duration validity) {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("an API key needs a subject (the client it is for)");
        }
        if (groups.isEmpty() || !GROUPS.containsAll(groups)) {
            throw new IllegalArgumentException("groups must be among " + GROUPS + ", got " + groups);
        }
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive");
        }
        Instant issuedAt = clock.instant();
        Instant expiresAt = issuedAt.plus(validity);

        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setAudience(audience);
        claims.setSubject(subject);
        claims.setStringListClaim("groups", List.copyOf(groups));
        claims.setJwtId(id);
        claims.setIssuedAt(NumericDate.fromSeconds(issuedAt.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(expiresAt.getEpochSecond()));

        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(privateKey);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        try {
            return new ApiKey(jws.getCompactSerialization(), id, subject, Set.copyOf(groups), expiresAt);
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign the API key", e);
        }
    }

    public record ApiKey(String token, String id, String subject, Set<String> groups, Instant expiresAt) {
    }
}
