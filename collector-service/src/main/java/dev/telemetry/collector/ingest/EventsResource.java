package dev.telemetry.collector.ingest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response.Status;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

import dev.telemetry.apikeys.ApiKeyGroups;
import dev.telemetry.collector.ratelimit.PushRateLimiter;
import dev.telemetry.edge.Problem;
import dev.telemetry.edge.ProblemException;

/** Where CLI clients push their spooled events. */
@Path("/v1/events")
@RolesAllowed(ApiKeyGroups.INGEST)
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "events")
public class EventsResource {

    private final IngestService ingest;
    private final PushRateLimiter rateLimiter;
    private final JsonWebToken apiKey;
    private final CollectorConfig config;
    private final PushReader reader;

    EventsResource(IngestService ingest, PushRateLimiter rateLimiter, ObjectMapper json, JsonWebToken apiKey,
            CollectorConfig config) {
        this.ingest = ingest;
        this.rateLimiter = rateLimiter;
        this.apiKey = apiKey;
        this.config = config;
        this.reader = new PushReader(json.getFactory(), config.maxEventsPerPush());
    }

    /** The documented shape of a push body (the resource reads it itself, to bound and inflate it). */
    @Schema(name = "Push")
    public record PushBody(@Schema(maxItems = 500, required = true) List<PushedEvent> events) {
    }

    @Schema(name = "PushedEvent")
    public record PushedEvent(@Schema(format = "uuid", required = true) String id,
            @Schema(required = true, example = "start_begin") String event,
            @Schema(required = true, example = "2026-11-21T10:15:30Z") String timestamp,
            @Schema(required = true, pattern = "^[0-9a-f]{64}$") String anonymousId,
            @Schema(required = true, example = "linux") String os,
            @Schema(required = true, example = "0.0.1234") String build,
            @Schema(description = "keys allowed by the event catalog for this event kind") Object data) {
    }

    @POST
    @Operation(summary = "Push a batch of up to 500 events", description = "Each event is accepted (durably in the event log), duplicate, rejected (drop it) or retry "
            + "(keep it and push later). Request bodies may be gzip-encoded.")
    @RequestBody(content = @Content(schema = @Schema(implementation = PushBody.class)))
    @APIResponse(responseCode = "200", description = "Per-event results", content = @Content(schema = @Schema(implementation = PushResult.class)))
    @APIResponse(responseCode = "400", description = "Not JSON, not gzip, or no events array")
    @APIResponse(responseCode = "413", description = "More than 500 events or more than 512 KiB")
    @APIResponse(responseCode = "415", description = "Not application/json or an unsupported Content-Encoding")
    @APIResponse(responseCode = "429", description = "Rate limit of this API key from this client address; see Retry-After")
    @APIResponse(responseCode = "503", description = "Event log or consent view unavailable, or overloaded; nothing acknowledged; see Retry-After")
    public Uni<PushResult> push(byte[] body, @HeaderParam(HttpHeaders.CONTENT_ENCODING) String encoding,
            @Context HttpServerRequest client) {
        rateLimiter.acquire(apiKey.getTokenID(), client);
        List<RawEvent> events = events(body, encoding);
        return unavailableAs503(ingest.push(events, true)
                .onFailure(IngestService.LogUnavailableException.class)
                .transform(e -> new ProblemException(Problem.of(Status.SERVICE_UNAVAILABLE, "log-unavailable",
                        "Event log unavailable", "Nothing from this push was acknowledged; push the same events "
                                + "again later (some may have been written: they are answered duplicate)."),
                        config.retryAfterSeconds())));
    }

    /** Without its consent view (database down) the collector can judge nothing: 503, never a 500. */
    private <T> Uni<T> unavailableAs503(Uni<T> answer) {
        return answer.onFailure(IngestService.ConsentUnavailableException.class)
                .transform(e -> new ProblemException(Problem.of(Status.SERVICE_UNAVAILABLE, "consent-unavailable",
                        "Consent view unavailable", "Nothing from this push was accepted; push it again later."),
                        config.retryAfterSeconds()));
    }

    @POST
    @Path("/validate")
    @Operation(summary = "Check a batch without storing anything", description = "The same checks and answers as a push; 'accepted' means it would be accepted.")
    @RequestBody(content = @Content(schema = @Schema(implementation = PushBody.class)))
    @APIResponse(responseCode = "200", description = "Per-event results", content = @Content(schema = @Schema(implementation = PushResult.class)))
    public Uni<PushResult> validate(byte[] body, @HeaderParam(HttpHeaders.CONTENT_ENCODING) String encoding,
            @Context HttpServerRequest client) {
        rateLimiter.acquire(apiKey.getTokenID(), client);
        return unavailableAs503(ingest.push(events(body, encoding), false));
    }

    private List<RawEvent> events(byte[] body, String encoding) {
        return reader.read(decode(body, encoding));
    }

    /** The body as JSON bytes: inflated if gzip, never beyond the configured bound (a gzip bomb stops there). */
    private byte[] decode(byte[] body, String encoding) {
        long max = config.maxInflatedBody().asLongValue();
        if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity")) {
            if (body.length > max) {
                throw tooLarge(max);
            }
            return body;
        }
        if (!encoding.trim().equalsIgnoreCase("gzip")) {
            throw problem(Status.UNSUPPORTED_MEDIA_TYPE, "unsupported-content-encoding",
                    "Unsupported Content-Encoding", "Send the body as is or gzip-encoded.");
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                if (out.size() + read > max) {
                    throw tooLarge(max);
                }
                out.write(buffer, 0, read);
            }
            return out.toByteArray();
        } catch (ZipException | java.io.EOFException e) {
            throw problem(Status.BAD_REQUEST, "malformed-gzip", "Malformed gzip",
                    "The body is declared gzip but is not valid gzip.");
        } catch (IOException e) {
            throw problem(Status.BAD_REQUEST, "malformed-gzip", "Malformed gzip", "The gzip body cannot be read.");
        }
    }

    private static ProblemException tooLarge(long max) {
        return problem(Status.REQUEST_ENTITY_TOO_LARGE, "payload-too-large", "Request body too large",
                "A push body may be at most " + max / 1024 + " KiB (after gzip inflation).");
    }

    private static ProblemException problem(Status status, String type, String title, String detail) {
        return new ProblemException(Problem.of(status, type, title, detail));
    }
}
