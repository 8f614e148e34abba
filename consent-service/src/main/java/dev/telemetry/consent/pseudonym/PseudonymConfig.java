package dev.telemetry.consent.pseudonym;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.telemetry.contract.Pseudonyms;

/** The pseudonym key (shared with collector-service) and the clock every recorded time comes from. */
public class PseudonymConfig {

    @Produces
    @ApplicationScoped
    Pseudonyms pseudonyms(@ConfigProperty(name = "pseudonym.key") String base64Key) {
        return Pseudonyms.fromBase64(base64Key);
    }

    @Produces
    @ApplicationScoped
    Clock clock(@ConfigProperty(name = "telemetry.clock-offset") Duration offset) {
        // Zero in production; staging and the end-to-end test move the whole suite's time with it.
        return Clock.offset(Clock.systemUTC(), offset);
    }
}
