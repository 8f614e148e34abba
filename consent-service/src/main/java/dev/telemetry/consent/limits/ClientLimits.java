package dev.telemetry.consent.limits;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.vertx.core.http.HttpServerRequest;

import dev.telemetry.edge.AddressLimit;
import dev.telemetry.edge.ProblemException;

/**
 * What one client address may do per hour: register new machines, and change consent. The ingest key is public, so
 * these limits are what makes creating fake machines, or toggling in a loop, slow and visible (docs/api.md).
 */
@ApplicationScoped
public class ClientLimits {

    private final AddressLimit registrations;
    private final AddressLimit changes;

    ClientLimits(
            @ConfigProperty(name = "consent.limits.registrations-per-address-per-hour") long registrations,
            @ConfigProperty(name = "consent.limits.changes-per-address-per-hour") long changes) {
        this.registrations = new AddressLimit("new machines", registrations, Duration.ofHours(1));
        this.changes = new AddressLimit("consent changes", changes, Duration.ofHours(1));
    }

    /** @throws ProblemException 429 with {@code Retry-After} when this address has used up its consent changes */
    public void change(HttpServerRequest client) {
        changes.acquire(client);
    }

    /** Charged only when a command would record a machine never seen before, before anything is written. */
    public Runnable registration(HttpServerRequest client) {
        return () -> registrations.acquire(client);
    }
}
