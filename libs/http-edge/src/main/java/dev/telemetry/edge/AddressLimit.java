package dev.telemetry.edge;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.core.Response.Status;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * A token bucket per client address (and optionally per API key), so that one client cannot use up a limit every
 * CLI shares: the ingest key ships inside every CLI. Addresses are held only here, in memory, and are forgotten
 * after a quiet period; they are never stored or logged. An IPv6 address counts per /64, the block one subscriber
 * usually gets, so a client cannot escape its limit by rotating through its own block.
 */
public final class AddressLimit {

    private final String what;
    private final long capacity;
    private final Duration period;
    private final Cache<String, Bucket> buckets;

    /**
     * @param what what is counted, plural, for the problem detail ("consent changes")
     * @param capacity how many per period (also the burst)
     */
    public AddressLimit(String what, long capacity, Duration period) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the limit for " + what + " must be at least 1");
        }
        this.what = what;
        this.capacity = capacity;
        this.period = period;
        this.buckets = Caffeine.newBuilder().expireAfterAccess(period.plusMinutes(1)).maximumSize(1_000_000).build();
    }

    /** @throws ProblemException 429 {@code rate-limited} with {@code Retry-After} when the client used up its share */
    public void acquire(HttpServerRequest request) {
        acquire("", request);
    }

    /** Per API key and client address: a key's limit that one client of the key cannot exhaust for the others. */
    public void acquire(String apiKeyId, HttpServerRequest request) {
        Bucket bucket = buckets.get(apiKeyId + ' ' + clientOf(request), any -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(capacity, period).build())
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill()) + 1);
            throw new ProblemException(Problem.of(Status.TOO_MANY_REQUESTS, "rate-limited", "Too many requests",
                    "One client address may make " + capacity + " " + what + " per " + describe(period)
                            + "; retry after " + seconds + " s."),
                    seconds);
        }
    }

    /** The client's address group: the address itself, or its /64 for IPv6. Never leaves this class. */
    static String clientOf(HttpServerRequest request) {
        SocketAddress remote = request.remoteAddress();
        String host = remote == null ? null : remote.hostAddress();
        if (host == null || host.isEmpty()) {
            return "unknown";
        }
        try {
            // hostAddress() is always a literal, so this never asks DNS
            byte[] address = InetAddress.getByName(host).getAddress();
            return address.length == 16 ? HexFormat.of().formatHex(Arrays.copyOf(address, 8)) + "::/64" : host;
        } catch (UnknownHostException e) {
            return host;
        }
    }

    private static String describe(Duration period) {
        if (period.toHours() > 0 && period.toMinutesPart() == 0 && period.toSecondsPart() == 0) {
            return period.toHours() == 1 ? "hour" : period.toHours() + " hours";
        }
        if (period.toMinutes() > 0 && period.toSecondsPart() == 0) {
            return period.toMinutes() == 1 ? "minute" : period.toMinutes() + " minutes";
        }
        return period.toSeconds() + " s";
    }
}
