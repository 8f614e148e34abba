package dev.telemetry.report.reporting;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

import dev.telemetry.report.projection.Aggregates;
import dev.telemetry.report.reporting.Report.Cell;
import dev.telemetry.report.reporting.Report.Figure;
import dev.telemetry.report.reporting.Suppression.Count;

/**
 * The published figures and tables of a quarter, worked out from its rollups with no I/O, so that what a report
 * reveals can be audited on generated data. Rows of every table are in a fixed key order ({@link #KEY_ORDER}),
 * never by count: an order by count would tell which of two suppressed cells is larger.
 *
 * @param byKind every kind of the catalog, including those with 0 events
 * @param builds the listed builds, then {@code other} if any machine used a build that is not listed
 */
record ReportTables(Figure active, Figure events, Figure optedIn, Figure optedOut, List<Cell> byKind,
        List<Cell> byOs, List<Cell> builds, List<Cell> errorsByCode) {

    static final String OTHER = "other";
    static final String ERROR = "error";

    /** Keys in code-point order; {@code other} (the folded builds) last. */
    static final Comparator<String> KEY_ORDER = Comparator.<String, Boolean>comparing(OTHER::equals)
            .thenComparing(Comparator.naturalOrder());

    /**
     * The builds listed by name: the largest by machines, each used by at least k machines. Every other build is
     * folded into "other" before anything is suppressed, so a rare build is never a small cell of its own and can
     * never force a large build to be hidden; only a small "other" is suppressed (with a complementary cell).
     */
    static List<String> listedBuilds(Collection<Count> builds, int k, int topBuilds) {
        return builds.stream()
                .filter(count -> count.machines() >= k)
                .sorted(Comparator.comparingLong(Count::machines).reversed()
                        .thenComparing(Comparator.comparingLong(Count::events).reversed())
                        .thenComparing(Count::key))
                .limit(topBuilds).map(Count::key).toList();
    }

    /**
     * @param rollups per dimension and key, events and distinct machines
     * @param listed {@link #listedBuilds}
     * @param other the builds not listed, together (distinct machines over all of them)
     */
    static ReportTables of(int k, Collection<String> catalogKinds, Map<String, Map<String, Count>> rollups,
            List<String> listed, Count other) {
        Count total = rollups.getOrDefault(Aggregates.TOTAL, Map.of()).getOrDefault("events",
                new Count("events", 0, 0));
        Map<String, Count> consent = rollups.getOrDefault(Aggregates.CONSENT, Map.of());

        Map<String, Count> kinds = new TreeMap<>();
        catalogKinds.forEach(kind -> kinds.put(kind, new Count(kind, 0, 0)));
        kinds.putAll(rollups.getOrDefault(Aggregates.KIND, Map.of()));
        List<Count> errors = new ArrayList<>(rollups.getOrDefault(Aggregates.ERROR_CODE, Map.of()).values());
        long errorCodes = errors.stream().filter(count -> count.machines() > 0).count();
        // If the error kind is hidden, so is every error code (their events add up to it); which is why a hidden
        // error kind is publicly known to hold at least one event per nonzero code.
        Set<String> hiddenKinds = Suppression.suppressed(new ArrayList<>(kinds.values()), k,
                key -> key.equals(ERROR) ? Math.max(1, errorCodes) : 1, key -> 1);
        List<Cell> byKind = cells(kinds.values(), hiddenKinds);
        Set<String> hiddenErrors = hiddenKinds.contains(ERROR)
                ? Set.copyOf(errors.stream().filter(count -> count.machines() > 0).map(Count::key).toList())
                : Suppression.suppressed(errors, k);

        List<Count> builds = new ArrayList<>();
        listed.forEach(key -> builds.add(rollups.get(Aggregates.BUILD).get(key)));
        if (other.machines() > 0) {
            builds.add(other);
        }
        // A listed build is publicly known to have at least k machines, hence at least k events.
        ToLongFunction<String> floor = key -> key.equals(OTHER) ? 1 : k;
        Set<String> hiddenBuilds = Suppression.suppressed(builds, k, floor, floor);

        List<Count> os = new ArrayList<>(rollups.getOrDefault(Aggregates.OS, Map.of()).values());
        return new ReportTables(figure(total.machines(), total.machines(), k),
                figure(total.events(), total.machines(), k), figure(consent.get(Aggregates.OPTED_IN), k),
                figure(consent.get(Aggregates.OPTED_OUT), k), byKind,
                cells(os, Suppression.suppressed(os, k)), cells(builds, hiddenBuilds),
                cells(errors, hiddenErrors));
    }

    private static List<Cell> cells(Collection<Count> counts, Set<String> hidden) {
        return counts.stream()
                .sorted(Comparator.comparing(Count::key, KEY_ORDER))
                .map(count -> hidden.contains(count.key())
                        ? new Cell(count.key(), null, null, true)
                        : new Cell(count.key(), count.events(), count.machines(), false))
                .toList();
    }

    private static Figure figure(Count count, int k) {
        return count == null ? new Figure(0L, false) : figure(count.machines(), count.machines(), k);
    }

    /** A figure counted from {@code machines} machines. */
    private static Figure figure(long value, long machines, int k) {
        return machines > 0 && machines < k ? new Figure(null, true) : new Figure(value, false);
    }
}
