package dev.telemetry.report.projection;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.telemetry.consentview.ConsentRule;

/** The consent rule with the same windows as the collector, and the clock. */
public class ReportRules {

    @Produces
    @ApplicationScoped
    ConsentRule consentRule(@ConfigProperty(name = "report.consent.clock-skew") Duration skew,
            @ConfigProperty(name = "report.consent.opt-out-grace") Duration grace) {
        return new ConsentRule(skew, grace);
    }

    @Produces
    @ApplicationScoped
    Clock clock(@ConfigProperty(name = "telemetry.clock-offset") Duration offset) {
        // Zero in production; staging and the end-to-end test move the whole suite's time with it.
        return Clock.offset(Clock.systemUTC(), offset);
    }
}
