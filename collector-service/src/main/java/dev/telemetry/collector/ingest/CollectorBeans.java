package dev.telemetry.collector.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.Startup;

import dev.telemetry.contract.Pseudonyms;
import dev.telemetry.contract.catalog.EventCatalog;

/** The event catalog in force and the pseudonym key (shared with consent-service). */
public class CollectorBeans {

    /**
     * Loaded at start-up, so that a catalog the checks refuse stops the service before it accepts anything. A
     * singleton, not a client proxy: it is asked about every pushed event.
     */
    @Produces
    @Singleton
    @Startup
    EventCatalog catalog(CollectorConfig config) {
        return EventCatalog.configured(config.catalog());
    }

    @Produces
    @ApplicationScoped
    Pseudonyms pseudonyms(@ConfigProperty(name = "pseudonym.key") String base64Key) {
        return Pseudonyms.fromBase64(base64Key);
    }
}
