package dev.telemetry.report.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.telemetry.report.reporting.Suppression.Count;

class SuppressionTest {

    private static final int K = 10;

    @Test
    void nothingIsSuppressedWhenEveryCellHasEnoughMachines() {
        assertThat(Suppression.suppressed(List.of(new Count("linux", 500, 40), new Count("darwin", 300, 25)), K))
                .isEmpty();
    }

    @Test
    void zeroIsNotASmallCell() {
        assertThat(Suppression.suppressed(List.of(new Count("linux", 500, 40), new Count("windows", 0, 0)), K))
                .isEmpty();
    }

    @Test
    void singleSmallCellTakesTheNextSmallestWithItSoTheTotalCannotRevealIt() {
        List<Count> os = List.of(new Count("linux", 500, 40), new Count("darwin", 300, 25),
                new Count("windows", 3, 1));

        Set<String> hidden = Suppression.suppressed(os, K);

        assertThat(hidden).containsExactlyInAnyOrder("windows", "darwin");
    }

    @Test
    void twoSmallCellsCoveringFewerThanKMachinesTakeMoreCells() {
        List<Count> cells = List.of(new Count("a", 50, 30), new Count("b", 40, 20), new Count("c", 4, 2),
                new Count("d", 6, 3));

        Set<String> hidden = Suppression.suppressed(cells, K);

        // c + d cover 5 machines: their sum (total minus a and b) would still single out fewer than k machines.
        assertThat(hidden).containsExactlyInAnyOrder("c", "d", "b");
    }

    @Test
    void everySmallCellIsSuppressedWhateverTheOrder() {
        List<Count> cells = List.of(new Count("x", 9, 9), new Count("y", 1, 1), new Count("z", 100, 11),
                new Count("w", 100, 100));

        Set<String> hidden = Suppression.suppressed(cells, K);

        assertThat(hidden).contains("x", "y");
        assertThat(hidden).hasSizeGreaterThanOrEqualTo(2);
        long covered = cells.stream().filter(c -> hidden.contains(c.key())).mapToLong(Count::machines).sum();
        assertThat(covered).isGreaterThanOrEqualTo(K);
    }
}
