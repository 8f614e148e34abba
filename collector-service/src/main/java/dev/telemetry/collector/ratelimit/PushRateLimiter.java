package dev.telemetry.collector.ratelimit;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.core.http.HttpServerRequest;

import dev.telemetry.collector.ingest.CollectorConfig;
import dev.telemetry.edge.AddressLimit;
import dev.telemetry.edge.ProblemException;

/**
 * Pushes per API key ({@code jti}) and client address: a runaway client cannot flood the collector, and because
 * the ingest key is shared by every CLI, one client using up its share leaves every other client theirs.
 */
@ApplicationScoped
public class PushRateLimiter {

    private final AddressLimit limit;

    PushRateLimiter(CollectorConfig config) {
        this.limit = new AddressLimit("pushes with one API key", config.pushesPerMinute(), Duration.ofMinutes(1));
    }

    /** @throws ProblemException 429 with {@code Retry-After} when this client has used up its pushes */
    public void acquire(String apiKeyId, HttpServerRequest client) {
        limit.acquire(apiKeyId, client);
    }
}
