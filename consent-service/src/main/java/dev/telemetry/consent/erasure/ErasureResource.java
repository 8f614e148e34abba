package dev.telemetry.consent.erasure;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response.Status;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

import dev.telemetry.apikeys.ApiKeyGroups;
import dev.telemetry.edge.Problem;
import dev.telemetry.edge.ProblemException;

@Path("/v1/erasures/{receipt}")
@RolesAllowed(ApiKeyGroups.INGEST)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "erasure")
public class ErasureResource {

    @GET
    @Operation(summary = "Status of an erasure request: pending, or completed with the time")
    public Uni<ErasureView> status(@PathParam("receipt") String receipt) {
        UUID id = parse(receipt);
        return Panache.withSession(() -> ErasureReceipt.<ErasureReceipt>findById(id)).map(found -> {
            if (found == null) {
                throw new ProblemException(Problem.of(Status.NOT_FOUND, "erasure-not-found", "Unknown receipt",
                        "No erasure request has this receipt."));
            }
            return ErasureView.of(found);
        });
    }

    private static UUID parse(String receipt) {
        try {
            return UUID.fromString(receipt);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(Problem.of(Status.BAD_REQUEST, "invalid-receipt", "Invalid receipt",
                    "A receipt is a UUID, as returned by DELETE /v1/consent/data."));
        }
    }
}
