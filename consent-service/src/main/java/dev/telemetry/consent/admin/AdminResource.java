package dev.telemetry.consent.admin;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

import dev.telemetry.apikeys.ApiKeyGroups;
import dev.telemetry.consent.ledger.ConsentStateRebuild;

@Path("/v1/admin/projections/consent-state/rebuild")
@RolesAllowed(ApiKeyGroups.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
public class AdminResource {

    private final ConsentStateRebuild projection;

    AdminResource(ConsentStateRebuild projection) {
        this.projection = projection;
    }

    @RegisterForReflection
    public record Rebuilt(long machines) {
    }

    @POST
    @Operation(summary = "Recompute every machine's current consent from the event store")
    public Uni<Rebuilt> rebuild() {
        return projection.rebuild().map(Rebuilt::new);
    }
}
