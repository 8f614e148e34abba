package dev.telemetry.report.reporting;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;

import dev.telemetry.apikeys.ApiKeyGroups;
import dev.telemetry.report.projection.Rebuild;

/** Operators: live figures of an open quarter, publication, rebuild. */
@Path("/v1/admin")
@RolesAllowed(ApiKeyGroups.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
public class AdminReportsResource {

    private final PublishedReports reports;
    private final ReportRenderer renderer;
    private final Rebuild rebuild;

    AdminReportsResource(PublishedReports reports, ReportRenderer renderer, Rebuild rebuild) {
        this.reports = reports;
        this.renderer = renderer;
        this.rebuild = rebuild;
    }

    @GET
    @Path("/reports/{quarter}/preview")
    @Operation(summary = "Live figures of an unpublished quarter, in the report's shape and with its suppression")
    public Uni<Response> preview(@PathParam("quarter") String quarter) {
        return reports.preview(ReportsResource.parse(quarter))
                .map(report -> Response.ok(renderer.json(report), MediaType.APPLICATION_JSON).build());
    }

    @POST
    @Path("/reports/{quarter}/publish")
    @Operation(summary = "Freeze an ended quarter's report; publishing again returns the same report")
    public Uni<Response> publish(@PathParam("quarter") String quarter) {
        return reports.publish(ReportsResource.parse(quarter))
                .map(stored -> Response.ok(stored.json(), MediaType.APPLICATION_JSON).build());
    }

    @POST
    @Path("/aggregates/rebuild")
    @Operation(summary = "Rebuild every unpublished quarter's aggregates from the log; 409 while one is running")
    public Uni<Rebuild.Result> rebuild() {
        return rebuild.rebuild();
    }

    @GET
    @Path("/aggregates/rebuild")
    @Operation(summary = "Progress of the running rebuild, or how the last one ended")
    public Rebuild.Progress rebuildProgress() {
        return rebuild.progress();
    }
}
