package dev.telemetry.consent.pseudonym;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.telemetry.contract.Pseudonyms;

/** The pseudonym key, shared with collector-service. */
public class PseudonymConfig {

    @Produces
    @ApplicationScoped
    Pseudonyms pseudonyms(@ConfigProperty(name = "pseudonym.key") String base64Key) {
        return Pseudonyms.fromBase64(base64Key);
    }
}
