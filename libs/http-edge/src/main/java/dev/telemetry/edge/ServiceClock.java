package dev.telemetry.edge;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The clock every service reads time from: real UTC time shifted by {@code TELEMETRY_CLOCK_OFFSET} (ISO-8601). Always 0
 * in production; a staging suite or the end-to-end test moves every service by the same amount.
 */
public class ServiceClock {

    @Produces
    @ApplicationScoped
    Clock clock(@ConfigProperty(name = "telemetry.clock-offset", defaultValue = "PT0S") Duration offset) {
        return Clock.offset(Clock.systemUTC(), offset);
    }
}
