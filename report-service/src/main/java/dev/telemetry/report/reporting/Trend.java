package dev.telemetry.report.reporting;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.telemetry.report.reporting.Report.Cell;
import dev.telemetry.report.reporting.Report.Figure;
import dev.telemetry.report.reporting.Report.TrendPoint;

/**
 * Change over time. Earlier quarters' figures are read from their published reports, never recomputed: what was
 * suppressed in a quarter's own report stays suppressed in every chart, and nothing hidden then is shown now.
 */
final class Trend {

    /** The reported quarter's most frequent event kinds, followed through every quarter shown. */
    static final int TOP_KINDS = 5;

    private Trend() {
    }

    /**
     * @param earlier published reports of earlier quarters, oldest first
     * @return one point per quarter, oldest first, ending with this quarter
     */
    static List<TrendPoint> of(String quarter, Figure active, Figure events, List<Cell> byKind,
            List<JsonNode> earlier) {
        List<String> topKinds = byKind.stream()
                .filter(cell -> !cell.suppressed() && cell.events() > 0)
                .sorted(Comparator.comparingLong(Cell::events).reversed().thenComparing(Cell::key))
                .limit(TOP_KINDS).map(Cell::key).toList();
        List<TrendPoint> points = new ArrayList<>();
        for (JsonNode report : earlier) {
            points.add(new TrendPoint(report.path("quarter").asText(), figure(report.path("machines").path("active")),
                    figure(report.path("events")),
                    topKinds.stream().map(kind -> cell(report.path("eventsByKind"), kind)).toList()));
        }
        points.add(new TrendPoint(quarter, active, events, topKinds.stream()
                .map(kind -> byKind.stream().filter(cell -> cell.key().equals(kind)).findFirst().orElseThrow())
                .toList()));
        return points;
    }

    private static Figure figure(JsonNode figure) {
        return figure.path("suppressed").asBoolean(false)
                ? new Figure(null, true)
                : new Figure(figure.path("value").asLong(), false);
    }

    /** A kind the quarter's report does not list (its catalog did not have it) had no events then. */
    private static Cell cell(JsonNode cells, String kind) {
        for (JsonNode cell : cells) {
            if (cell.path("key").asText().equals(kind)) {
                return cell.path("suppressed").asBoolean(false)
                        ? new Cell(kind, null, null, true)
                        : new Cell(kind, cell.path("events").asLong(), cell.path("machines").asLong(), false);
            }
        }
        return new Cell(kind, 0L, 0L, false);
    }
}
