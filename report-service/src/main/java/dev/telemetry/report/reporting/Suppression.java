package dev.telemetry.report.reporting;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Small-cell suppression with complementary suppression, for one table of cells whose total is published.
 *
 * <ol>
 * <li>Every cell counted from 1 to k-1 distinct machines is suppressed (a cell of 0 is safe and shown).</li>
 * <li>If that suppresses exactly one cell, it could be recovered as total minus the others; and if the suppressed
 * cells together cover fewer than k machines, their sum would still single out fewer than k machines. So further
 * cells, smallest first, are suppressed until at least two are and together they cover at least k machines.</li>
 * </ol>
 */
public final class Suppression {

    private Suppression() {
    }

    /** A cell before suppression. */
    public record Count(String key, long events, long machines) {
    }

    /** @return the keys to suppress */
    public static Set<String> suppressed(List<Count> cells, int k) {
        Set<String> hidden = new HashSet<>();
        for (Count cell : cells) {
            if (cell.machines() > 0 && cell.machines() < k) {
                hidden.add(cell.key());
            }
        }
        if (hidden.isEmpty()) {
            return hidden;
        }
        List<Count> candidates = new ArrayList<>(cells.stream()
                .filter(cell -> !hidden.contains(cell.key()) && cell.machines() > 0)
                .sorted(Comparator.comparingLong(Count::machines).thenComparingLong(Count::events)
                        .thenComparing(Count::key))
                .toList());
        while ((hidden.size() < 2 || machines(cells, hidden) < k) && !candidates.isEmpty()) {
            hidden.add(candidates.remove(0).key());
        }
        return hidden;
    }

    private static long machines(List<Count> cells, Set<String> keys) {
        return cells.stream().filter(cell -> keys.contains(cell.key())).mapToLong(Count::machines).sum();
    }
}
