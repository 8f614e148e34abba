package dev.telemetry.report.reporting;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;

import dev.telemetry.edge.Problem;
import dev.telemetry.edge.ProblemException;
import dev.telemetry.report.quarter.Quarter;

/** The public, immutable quarterly reports. No key needed. */
@Path("/")
@Tag(name = "reports")
public class ReportsResource {

    static final String CSV = "text/csv";
    /** Published bytes never change: caches may keep them for a year. */
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";

    /** Generated from configuration only: the same until the service restarts with another catalog or k. */
    private static final String HOURLY = "public, max-age=3600";
    static final String MARKDOWN = "text/markdown";

    private final PublishedReports reports;
    private final ReportRenderer renderer;
    private final WhatWeCollect whatWeCollect;

    ReportsResource(PublishedReports reports, ReportRenderer renderer, WhatWeCollect whatWeCollect) {
        this.reports = reports;
        this.renderer = renderer;
        this.whatWeCollect = whatWeCollect;
    }

    @GET
    @Path("/v1/reports")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Published quarters, newest first")
    public Uni<List<PublishedReports.Listed>> list() {
        return reports.list();
    }

    @GET
    @Path("/v1/reports/{quarter}")
    @Produces({MediaType.APPLICATION_JSON, CSV})
    @Operation(summary = "A published report as JSON, or CSV with Accept: text/csv or ?format=csv")
    @APIResponse(responseCode = "200", description = "The report, byte for byte as published", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Report.class)),
            @Content(mediaType = CSV, schema = @Schema(type = SchemaType.STRING))})
    public Uni<Response> report(@PathParam("quarter") String quarter, @QueryParam("format") String format,
            @HeaderParam(HttpHeaders.ACCEPT) String accept,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        boolean csv = wantsCsv(format, accept);
        return published(quarter).map(stored -> immutable(csv ? stored.csv() : stored.json(),
                csv ? CSV + ";charset=UTF-8" : MediaType.APPLICATION_JSON, ifNoneMatch));
    }

    @GET
    @Path("/reports/{quarter}")
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "A published report as a web page")
    public Uni<Response> page(@PathParam("quarter") String quarter,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        return published(quarter).map(stored -> immutable(stored.html(), MediaType.TEXT_HTML + ";charset=UTF-8",
                ifNoneMatch));
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "The list of published reports as a web page")
    public Uni<String> index() {
        return reports.list().map(renderer::index);
    }

    @GET
    @Path("/what-we-collect")
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "The public \"what we collect\" page, generated from the event catalog")
    public Response whatWeCollect() {
        return Response.ok(whatWeCollect.html(), MediaType.TEXT_HTML + ";charset=UTF-8")
                .header(HttpHeaders.CACHE_CONTROL, HOURLY).build();
    }

    @GET
    @Path("/what-we-collect.md")
    @Produces(MARKDOWN)
    @Operation(summary = "The \"what we collect\" page as Markdown (docs/what-we-collect.md is this text)")
    public Response whatWeCollectMarkdown() {
        return Response.ok(whatWeCollect.markdown(), MARKDOWN + ";charset=UTF-8")
                .header(HttpHeaders.CACHE_CONTROL, HOURLY).build();
    }

    private Uni<PublishedReports.Stored> published(String text) {
        Quarter quarter = parse(text);
        return reports.find(quarter).map(found -> found.orElseThrow(() -> new ProblemException(Problem.of(
                Status.NOT_FOUND, "report-not-found", "No published report",
                "No report has been published for " + quarter + "."))));
    }

    static Quarter parse(String text) {
        return Quarter.parse(text).orElseThrow(() -> new ProblemException(Problem.of(Status.BAD_REQUEST,
                "invalid-quarter", "Invalid quarter", "A quarter is written like 2026-Q3.")));
    }

    private static boolean wantsCsv(String format, String accept) {
        if (format != null) {
            if (!format.equals("csv") && !format.equals("json")) {
                throw new NotAcceptableException();
            }
            return format.equals("csv");
        }
        return accept != null && accept.contains(CSV) && !accept.contains(MediaType.APPLICATION_JSON);
    }

    /** Strong ETag of the exact bytes; a matching If-None-Match gets 304. */
    private static Response immutable(String body, String contentType, String ifNoneMatch) {
        String tag = sha256(body);
        Response.ResponseBuilder response = tag.equals(unquote(ifNoneMatch))
                ? Response.notModified()
                : Response.ok(body, contentType);
        return response.tag(new EntityTag(tag)).header(HttpHeaders.CACHE_CONTROL, IMMUTABLE)
                .header(HttpHeaders.VARY, HttpHeaders.ACCEPT).build();
    }

    private static String unquote(String header) {
        return header == null ? null : header.trim().replace("\"", "");
    }

    private static String sha256(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
