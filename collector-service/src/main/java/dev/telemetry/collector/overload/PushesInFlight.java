package dev.telemetry.collector.overload;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.Response.Status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.telemetry.collector.ingest.CollectorConfig;
import dev.telemetry.edge.Problem;

/**
 * Sheds load instead of queueing it: at most {@code collector.max-pushes-in-flight} pushes (and validations) are
 * handled at once; one beyond that is answered 503 {@code overloaded} with {@code Retry-After} before its body is read,
 * so nothing of it is judged or written. Under more load than it can handle the collector thus answers quickly and
 * its memory stays bounded (bodies in flight times the body bound), rather than letting pushes queue until clients
 * time out.
 */
@ApplicationScoped
public class PushesInFlight {

    /** Pushes answered {@code overloaded}. */
    static final String SHED_METRIC = "collector_pushes_shed_total";
    private static final String BODY;

    static {
        try {
            BODY = new ObjectMapper().writeValueAsString(Problem.of(Status.SERVICE_UNAVAILABLE, "overloaded",
                    "Collector overloaded", "Nothing from this push was accepted; push it again after Retry-After."));
        } catch (JsonProcessingException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final AtomicInteger inFlight = new AtomicInteger();
    private final Counter shed;
    private final int limit;
    private final String retryAfter;

    PushesInFlight(CollectorConfig config, MeterRegistry metrics) {
        this.limit = config.maxPushesInFlight();
        this.retryAfter = Integer.toString(config.retryAfterSeconds());
        metrics.gauge("collector_pushes_in_flight", inFlight);
        this.shed = metrics.counter(SHED_METRIC);
    }

    void install(@Observes Router router) {
        // Right after the body-size check (OversizeBodies), before authentication and before the body is read.
        router.routeWithRegex(HttpMethod.POST, "/v1/events(/validate)?/?").order(Integer.MIN_VALUE + 1)
                .handler(this::admit);
    }

    private void admit(RoutingContext context) {
        if (inFlight.incrementAndGet() > limit) {
            inFlight.decrementAndGet();
            shed.increment();
            context.response().setStatusCode(503)
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaders.RETRY_AFTER, retryAfter)
                    // its body is not read: the connection cannot serve another request
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(BODY);
            return;
        }
        context.addEndHandler(ended -> inFlight.decrementAndGet());
        context.next();
    }
}
