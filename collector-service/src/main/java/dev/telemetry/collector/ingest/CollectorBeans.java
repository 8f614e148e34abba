package dev.telemetry.collector.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.telemetry.contract.Pseudonyms;
import dev.telemetry.contract.catalog.EventCatalog;

/** The event catalog in force, the pseudonym key (shared with consent-service) and the clock. */
public class CollectorBeans {

    @Produces
    @ApplicationScoped
    EventCatalog catalog(CollectorConfig config) {
        try {
            return config.catalog().isPresent()
                    ? EventCatalog.load(Path.of(config.catalog().get()))
                    : EventCatalog.cfDev();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the event catalog " + config.catalog().get(), e);
        }
    }

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
