package dev.telemetry.report.projection;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.telemetry.consentview.ConsentRule;

/** The consent rule with the same windows as the collector. */
public class ReportRules {

    @Produces
    @ApplicationScoped
    ConsentRule consentRule(@ConfigProperty(name = "report.consent.clock-skew") Duration skew,
            @ConfigProperty(name = "report.consent.opt-out-grace") Duration grace) {
        return new ConsentRule(skew, grace);
    }
}
