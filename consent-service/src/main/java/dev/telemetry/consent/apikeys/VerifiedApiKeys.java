package dev.telemetry.consent.apikeys;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * Remembers API keys whose RS256 signature, issuer and audience were verified, so that a CLI's key is verified once
 * rather than on every request (the signature check was the largest CPU cost of a consent write). Only the exact
 * token string that verified is recognised, and only until its expiry; revocation is still checked on every request
 * ({@code RevokedApiKeys}). Bounded: when full, it starts over.
 */
@Decorator
@Priority(10)
abstract class VerifiedApiKeys implements JWTParser {

    private static final int CAPACITY = 10_000;

    private final Map<String, JsonWebToken> verified = new ConcurrentHashMap<>();

    @Inject
    @Delegate
    @Any
    JWTParser parser;

    @Inject
    Clock clock;

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        JsonWebToken known = verified.get(token);
        if (known != null && clock.instant().getEpochSecond() < known.getExpirationTime()) {
            return known;
        }
        JsonWebToken parsed = parser.parse(token);
        if (verified.size() >= CAPACITY) {
            verified.clear();
        }
        verified.put(token, parsed);
        return parsed;
    }
}
