package dev.telemetry.consentview;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The two time windows of the {@link ConsentRule}. collector-service and report-service must judge consent alike,
 * so both read them here: {@code CONSENT_CLOCK_SKEW} and {@code CONSENT_OPT_OUT_GRACE} (the former names
 * {@code COLLECTOR_CLOCK_SKEW} and {@code COLLECTOR_OPT_OUT_GRACE} are still honoured, see this module's
 * {@code META-INF/microprofile-config.properties}).
 */
@ConfigMapping(prefix = "consent")
public interface ConsentWindows {

    /** How far client clocks may be off; also how far in the future an event's timestamp may be. */
    @WithDefault("2m")
    Duration clockSkew();

    /** After an opt-out, how long events captured before it may still be pushed. */
    @WithDefault("10m")
    Duration optOutGrace();
}
