package dev.telemetry.edge;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;

/**
 * Rejects API keys whose {@code jti} is on the configured revocation list, and keys without a {@code jti},
 * which could never be revoked. Signature, issuer, audience and expiry are checked by SmallRye JWT before this.
 */
@ApplicationScoped
public class RevokedApiKeys implements SecurityIdentityAugmentor {

    private final Set<String> revoked;

    public RevokedApiKeys(@ConfigProperty(name = "api-keys.revoked") Optional<List<String>> revoked) {
        this.revoked = Set.copyOf(revoked.orElse(List.of()));
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            return Uni.createFrom().item(identity);
        }
        String id = token.getTokenID();
        if (id == null || id.isBlank() || revoked.contains(id)) {
            return Uni.createFrom().failure(new AuthenticationFailedException("API key revoked or without jti"));
        }
        return Uni.createFrom().item(identity);
    }
}
