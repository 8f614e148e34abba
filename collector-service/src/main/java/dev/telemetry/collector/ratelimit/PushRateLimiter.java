package dev.telemetry.collector.ratelimit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response.Status;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

import dev.telemetry.collector.ingest.CollectorConfig;
import dev.telemetry.edge.Problem;
import dev.telemetry.edge.ProblemException;

/** A token bucket per API key ({@code jti}): a leaked or runaway key cannot flood the collector. */
@ApplicationScoped
public class PushRateLimiter {

    private final long perMinute;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .expireAfterAccess(10, TimeUnit.MINUTES).maximumSize(100_000).build();

    PushRateLimiter(CollectorConfig config) {
        this.perMinute = config.pushesPerMinute();
    }

    /** @throws ProblemException 429 with {@code Retry-After} when the key has used up its pushes */
    public void acquire(String apiKeyId) {
        Bucket bucket = buckets.get(apiKeyId, id -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1))
                        .build())
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill()) + 1);
            throw new ProblemException(Problem.of(Status.TOO_MANY_REQUESTS, "rate-limited", "Too many pushes",
                    "This API key may push " + perMinute + " times per minute; retry after " + seconds + " s."),
                    seconds);
        }
    }
}
