package dev.telemetry.edge;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.Response.Status;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

/**
 * Refuses a request whose declared body exceeds {@code http-edge.max-body-size} with a 413 problem before the body
 * is read. A chunked body without a length is cut off by the transport limit
 * ({@code quarkus.http.limits.max-body-size}) instead, which answers a bare 413.
 */
@ApplicationScoped
public class OversizeBodies {

    private static final String BODY;

    static {
        try {
            BODY = new ObjectMapper().writeValueAsString(Problem.of(Status.REQUEST_ENTITY_TOO_LARGE,
                    "payload-too-large", "Request body too large", "The request body exceeds this endpoint's limit."));
        } catch (JsonProcessingException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    void install(@Observes Router router, @ConfigProperty(name = "http-edge.max-body-size") MemorySize limit) {
        long max = limit.asLongValue();
        router.route().order(Integer.MIN_VALUE).handler(context -> {
            if (declaredLength(context.request().getHeader(HttpHeaders.CONTENT_LENGTH)) > max) {
                context.response().setStatusCode(413)
                        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .end(BODY);
            } else {
                context.next();
            }
        });
    }

    private static long declaredLength(String header) {
        try {
            return header == null ? -1 : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
