package dev.telemetry.consent.ledger;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

import dev.telemetry.apikeys.ApiKeyGroups;
import dev.telemetry.consent.erasure.ErasureReceipt;
import dev.telemetry.consent.erasure.ErasureView;
import dev.telemetry.consent.ledger.ConsentCommand.RecordChoice;
import dev.telemetry.consent.ledger.ConsentCommand.RequestErasure;
import dev.telemetry.consent.limits.ClientLimits;
import dev.telemetry.consent.proof.MachineCredentials;
import dev.telemetry.contract.MachineProofs;
import dev.telemetry.edge.Problem;
import dev.telemetry.edge.ProblemException;

/**
 * A machine's consent. The machine is named by the {@code Telemetry-Anonymous-Id} header and proven by the
 * {@code Telemetry-Proof} header (docs/api.md), never by the URL, which proxies log.
 */
@Path("/v1/consent")
@RolesAllowed(ApiKeyGroups.INGEST)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "consent")
@APIResponse(responseCode = "400", description = "invalid-anonymous-id: the anonymous ID header is missing or malformed")
@APIResponse(responseCode = "401", description = "unauthorized (API key) or proof-required (the proof header is missing or malformed)")
@APIResponse(responseCode = "403", description = "forbidden (API key group) or proof-rejected: the proof does not act for this anonymous ID, "
        + "or there is nothing it could act for; the same answer in both cases, and nothing changed")
public class ConsentResource {

    private final ConsentLedger ledger;
    private final ClientLimits limits;

    ConsentResource(ConsentLedger ledger, ClientLimits limits) {
        this.ledger = ledger;
        this.limits = limits;
    }

    @RegisterForReflection
    public record ConsentStatus(String anonymousId, boolean optIn, Instant since, long version) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HistoryEntry(long version, String type, Instant at, String os, String build, String source,
            UUID receipt) {
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record an opt-in or opt-out", description = "Idempotent: repeating the current state "
            + "records nothing and returns the same version and since. The first decision of a machine registers its proof.")
    public Uni<ConsentStatus> record(@HeaderParam(MachineProofs.ANONYMOUS_ID_HEADER) String anonymousId,
            @HeaderParam(MachineProofs.HEADER) String proof, @Valid @NotNull ConsentRequest request,
            @Context HttpServerRequest client) {
        MachineCredentials machine = MachineCredentials.from(anonymousId, proof);
        limits.change(client);
        ConsentCommand.Source source = ConsentCommand.Source.valueOf(request.source().toUpperCase(Locale.ROOT));
        return ledger.handle(machine, limits.registration(client),
                now -> new RecordChoice(request.optIn(), request.os(), request.build(), source, now))
                .map(outcome -> view(anonymousId, outcome.state()));
    }

    @GET
    @Operation(summary = "The machine's current consent; 404 if it never answered")
    public Uni<ConsentStatus> current(@HeaderParam(MachineProofs.ANONYMOUS_ID_HEADER) String anonymousId,
            @HeaderParam(MachineProofs.HEADER) String proof) {
        return ledger.current(MachineCredentials.from(anonymousId, proof)).map(state -> {
            if (state.version() == 0) {
                throw notFound();
            }
            return view(anonymousId, state);
        });
    }

    @GET
    @Path("/history")
    @Operation(summary = "The machine's consent events in order (audit trail); after an erasure request only the "
            + "request itself and what followed it")
    public Uni<List<HistoryEntry>> history(@HeaderParam(MachineProofs.ANONYMOUS_ID_HEADER) String anonymousId,
            @HeaderParam(MachineProofs.HEADER) String proof) {
        return ledger.history(MachineCredentials.from(anonymousId, proof)).map(rows -> {
            if (rows.isEmpty()) {
                throw notFound();
            }
            return rows.stream().map(ConsentResource::entry).toList();
        });
    }

    @DELETE
    @Path("/data")
    @Operation(summary = "Request erasure of the machine's data; also opts it out", description = "202 with a receipt to follow at /v1/erasures/{receipt}. Repeating it before a new opt-in "
            + "returns the same receipt.")
    public Uni<Response> erase(@HeaderParam(MachineProofs.ANONYMOUS_ID_HEADER) String anonymousId,
            @HeaderParam(MachineProofs.HEADER) String proof) {
        return ledger.handle(MachineCredentials.from(anonymousId, proof),
                now -> new RequestErasure(UUID.randomUUID(), now))
                .chain(outcome -> Panache.withSession(
                        () -> ErasureReceipt.<ErasureReceipt>findById(outcome.state().pendingErasure())))
                .map(receipt -> Response.status(Status.ACCEPTED)
                        .location(URI.create("/v1/erasures/" + receipt.receipt))
                        .entity(ErasureView.of(receipt))
                        .build());
    }

    private static ProblemException notFound() {
        return new ProblemException(Problem.of(Status.NOT_FOUND, "consent-not-found", "No consent recorded",
                "No consent is recorded for this machine."));
    }

    private static ConsentStatus view(String anonymousId, ConsentState state) {
        return new ConsentStatus(anonymousId, state.optedIn(), state.since(), state.version());
    }

    private static HistoryEntry entry(ConsentLedger.Recorded row) {
        return row.event().match(
                granted -> new HistoryEntry(row.version(), row.type(), row.at(), granted.os(), granted.build(),
                        granted.source(), null),
                withdrawn -> new HistoryEntry(row.version(), row.type(), row.at(), withdrawn.os(), withdrawn.build(),
                        withdrawn.source(), null),
                erasure -> new HistoryEntry(row.version(), row.type(), row.at(), null, null, null, erasure.receipt()));
    }
}
