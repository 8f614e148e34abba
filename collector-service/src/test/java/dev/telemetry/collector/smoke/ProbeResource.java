package dev.telemetry.collector.smoke;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.telemetry.apikeys.Groups;

/** Test-only endpoint guarded like the service's real ones, for the API-key matrix. */
@Path("/test/probe")
public class ProbeResource {

    @Inject
    JsonWebToken apiKey;

    @GET
    @RolesAllowed(Groups.INGEST)
    public String subject() {
        return apiKey.getSubject();
    }
}
