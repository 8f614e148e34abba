package dev.telemetry.report.reporting;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Small-cell suppression with complementary suppression, for one table of cells whose total is published.
 *
 * <ol>
 * <li>Every cell counted from 1 to k-1 distinct machines is suppressed (a cell of 0 is safe and shown).</li>
 * <li>If that suppresses exactly one cell, it could be recovered as total minus the others; and if the suppressed
 * cells together cover fewer than k machines, their sum would still single out fewer than k machines. So further
 * cells, smallest first, are suppressed until at least two are and together they cover at least k machines.</li>
 * <li>The suppressed cells' events add up to a published number (total minus the shown cells), and everyone knows a
 * least value for each of them (its <em>floor</em>: 1, since a suppressed cell is never 0; k for a build listed by
 * name, since only builds of at least k machines are listed). If their events equal the sum of their floors, every
 * one of them would be exactly its floor. So cells are added, smallest first, until the suppressed events exceed
 * the floors: then each suppressed cell could have had one event more or less.</li>
 * <li>Everyone also knows a range for each suppressed cell's machines: at least its machine floor (k for a listed
 * build, else 1) and at most the smallest shown cell (cells are added smallest first) or k-1. Where that range is
 * a single number, cells are added until it is not.</li>
 * </ol>
 * The audit ({@code SuppressionAuditTest}) checks on many generated datasets that no suppressed value can be worked
 * out from everything a report publishes.
 */
public final class Suppression {

    private Suppression() {
    }

    /** A cell before suppression. */
    public record Count(String key, long events, long machines) {
    }

    /** @return the keys to suppress, every cell's floor being 1 */
    public static Set<String> suppressed(List<Count> cells, int k) {
        return suppressed(cells, k, key -> 1, key -> 1);
    }

    /**
     * @param eventFloor per key, the least number of events anyone knows a suppressed cell of that key to have
     * @param machineFloor per key, the least number of machines anyone knows a suppressed cell of that key to have
     * @return the keys to suppress
     */
    public static Set<String> suppressed(List<Count> cells, int k, ToLongFunction<String> eventFloor,
            ToLongFunction<String> machineFloor) {
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
        while (!candidates.isEmpty() && (hidden.size() < 2 || sum(cells, hidden, Count::machines) < k
                || sum(cells, hidden, Count::events) <= sum(cells, hidden, cell -> eventFloor.applyAsLong(cell.key()))
                || machinesPinned(cells, hidden, k, machineFloor, candidates))) {
            hidden.add(candidates.remove(0).key());
        }
        return hidden;
    }

    /**
     * Whether some suppressed cell's machines are known exactly: its floor is as high as the most it can have, the
     * smallest shown cell ({@code candidates.get(0)}, as cells are suppressed smallest first) or k-1.
     */
    private static boolean machinesPinned(List<Count> cells, Set<String> hidden, int k,
            ToLongFunction<String> machineFloor, List<Count> candidates) {
        long most = Math.max(k - 1, candidates.get(0).machines());
        return cells.stream().filter(cell -> hidden.contains(cell.key()))
                .anyMatch(cell -> machineFloor.applyAsLong(cell.key()) >= most);
    }

    private static long sum(List<Count> cells, Set<String> keys, ToLongFunction<Count> value) {
        return cells.stream().filter(cell -> keys.contains(cell.key())).mapToLong(value).sum();
    }
}
