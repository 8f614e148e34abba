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
        "eventsByKind", "byOs", "topBuilds", "errorsByCode", "trend", "methodology"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Report(String quarter, String status, Period period, Instant publishedAt, Machines machines,
        Figure events, Rate startSuccessRate, List<Cell> eventsByKind, List<Cell> byOs, List<Cell> topBuilds,
        List<Cell> errorsByCode, List<TrendPoint> trend, Methodology methodology) {

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

    /**
     * One published quarter (or the reported one) in the change-over-time section: figures copied from that quarter's
     * own report, so a figure suppressed there is suppressed here too.
     *
     * @param topEventKinds the reported quarter's most frequent event kinds, as counted in this quarter
     */
    @JsonPropertyOrder({"quarter", "machinesActive", "events", "topEventKinds"})
    public record TrendPoint(String quarter, Figure machinesActive, Figure events, List<Cell> topEventKinds) {
    }

    /**
     * @param counting which machines count in the usage figures (the rule against fake machines), with the values
     *        in force
     */
    @JsonPropertyOrder({"minimumCellMachines", "suppression", "consent", "counting", "lateData", "attribution",
            "catalog", "startSuccessRate", "topBuilds", "trend"})
    public record Methodology(int minimumCellMachines, String suppression, String consent, String counting,
            String lateData, String attribution, String catalog, String startSuccessRate, String topBuilds,
            String trend) {
    }

    public Report published(Instant at) {
        return new Report(quarter, PUBLISHED, period, at, machines, events, startSuccessRate, eventsByKind, byOs,
                topBuilds, errorsByCode, trend, methodology);
    }
}
