package dev.telemetry.report.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.telemetry.report.projection.Aggregates;
import dev.telemetry.report.reporting.Report.Cell;
import dev.telemetry.report.reporting.Suppression.Count;

class ReportTablesTest {

    private static final int K = 10;

    @Test
    void rowsAreInKeyOrderWhateverTheirSizeSoSuppressedRowsRevealNoOrder() {
        Map<String, Map<String, Count>> rollups = Map.of(
                Aggregates.TOTAL, Map.of("events", new Count("events", 1200, 120)),
                Aggregates.OS, cells(new Count("windows", 4, 3), new Count("linux", 900, 90),
                        new Count("darwin", 296, 27)),
                Aggregates.BUILD, cells(new Count("2.0.0", 300, 30), new Count("1.0.0", 800, 80),
                        new Count("1.5.0", 90, 11)),
                Aggregates.KIND, cells(new Count("stop", 1200, 120)));
        List<String> listed = ReportTables.listedBuilds(rollups.get(Aggregates.BUILD).values(), K, 10);

        ReportTables tables = ReportTables.of(K, List.of("stop", "start_begin", "error"), rollups, listed,
                new Count(ReportTables.OTHER, 10, 2));

        assertThat(listed).as("chosen by size").containsExactly("1.0.0", "2.0.0", "1.5.0");
        assertThat(tables.byOs()).extracting(Cell::key).containsExactly("darwin", "linux", "windows");
        assertThat(tables.byOs()).extracting(Cell::suppressed).containsExactly(true, false, true);
        assertThat(tables.builds()).extracting(Cell::key).containsExactly("1.0.0", "1.5.0", "2.0.0", "other");
        assertThat(tables.builds()).extracting(Cell::suppressed).containsExactly(false, true, false, true);
        assertThat(tables.byKind()).extracting(Cell::key).containsExactly("error", "start_begin", "stop");
    }

    private static Map<String, Count> cells(Count... counts) {
        Map<String, Count> cells = new TreeMap<>();
        for (Count count : counts) {
            cells.put(count.key(), count);
        }
        return cells;
    }
}
