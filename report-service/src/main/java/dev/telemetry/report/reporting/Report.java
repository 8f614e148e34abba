package dev.telemetry.report.reporting;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A quarterly report (the JSON form is this record). Every number counted from fewer than k machines is null with
 * {@code suppressed: true}; no pseudonym or machine id ever appears.
 */
@RegisterForReflection
@JsonPropertyOrder({"quarter", "status", "period", "publishedAt", "machines", "events", "startSuccessRate",
        "eventsByKind", "byOs", "topBuilds", "errorsByCode", "methodology"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Report(String quarter, String status, Period period, Instant publishedAt, Machines machines,
        Figure events, Rate startSuccessRate, List<Cell> eventsByKind, List<Cell> byOs, List<Cell> topBuilds,
        List<Cell> errorsByCode, Methodology methodology) {

    public static final String PREVIEW = "preview";
    public static final String PUBLISHED = "published";

    public record Period(Instant from, Instant to) {
    }

    /** Distinct machines: with any counted event, opting in, opting out during the quarter. */
    @JsonPropertyOrder({"active", "optedIn", "optedOut"})
    public record Machines(Figure active, Figure optedIn, Figure optedOut) {
    }

    /** One number, or suppressed. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Figure(Long value, boolean suppressed) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Rate(Double value, boolean suppressed) {
    }

    /** A row of a table: events and distinct machines for one key, or suppressed (both null). */
    @JsonPropertyOrder({"key", "events", "machines", "suppressed"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Cell(String key, Long events, Long machines, boolean suppressed) {
    }

    @JsonPropertyOrder({"minimumCellMachines", "suppression", "consent", "lateData", "attribution", "catalog"})
    public record Methodology(int minimumCellMachines, String suppression, String consent, String lateData,
            String attribution, String catalog) {
    }

    public Report published(Instant at) {
        return new Report(quarter, PUBLISHED, period, at, machines, events, startSuccessRate, eventsByKind, byOs,
                topBuilds, errorsByCode, methodology);
    }
}
