package dev.telemetry.collector.ingest;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The collector's own settings (see the README for their environment variables). The consent windows are the
 * consent view's ({@link dev.telemetry.consentview.ConsentWindows}): report-service judges consent with the same.
 */
@ConfigMapping(prefix = "collector")
public interface CollectorConfig {

    /** Events older than this are refused (the client spool keeps them no longer). */
    @WithDefault("30d")
    Duration maxEventAge();

    @WithDefault("500")
    int maxEventsPerPush();

    /** Bound on a push body after gzip inflation. */
    @WithDefault("512K")
    io.quarkus.runtime.configuration.MemorySize maxInflatedBody();

    @WithDefault("1000000")
    long duplicateCacheSize();

    @WithDefault("24h")
    Duration duplicateCacheTtl();

    /** Pushes per API key per minute. */
    @WithDefault("6000")
    long pushesPerMinute();

    /**
     * Pushes (and validations) handled at once; more are answered 503 {@code overloaded} at once (see
     * {@link dev.telemetry.collector.overload.PushesInFlight}). Bounds the memory of bodies in flight.
     */
    @WithDefault("128")
    int maxPushesInFlight();

    /** Seconds a client is told to wait when the event log or consent view is down, or the collector overloaded. */
    @WithDefault("30")
    int retryAfterSeconds();

    /** An event catalog file replacing the built-in CF Dev catalog. */
    Optional<String> catalog();
}
