package dev.telemetry.report.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import dev.telemetry.contract.catalog.EventCatalog;
import dev.telemetry.report.projection.Aggregates;
import dev.telemetry.report.reporting.Report.Cell;
import dev.telemetry.report.reporting.Suppression.Count;

/**
 * Audits the suppression rule on many generated quarters (seeded, so every run checks the same ones): for every
 * suppressed cell, a second dataset is searched that publishes exactly the same report (every figure, table, row
 * order and the start success rate, through the same code) but in which that cell has a different number of events,
 * and one in which it has a different number of machines. Finding both proves that neither value can be worked out
 * from what is published, whatever reasoning is used: the two datasets are indistinguishable to a reader of the
 * report, rule included. A cell for which the search finds no such dataset is reported as a leak.
 *
 * <p>
 * The alternative datasets are real datasets (lists of events of machines), made by moving events between the
 * suppressed cells of a table: re-labelling an event's kind, build or error code, or moving a whole machine to
 * another operating system (a machine keeps one operating system, as readers may assume).
 */
class SuppressionAuditTest {

    private static final int DATASETS = 100;
    private static final long SEED = 20261125L;
    private static final List<String> KINDS = List.copyOf(EventCatalog.cfDev().kinds().keySet());
    private static final List<String> CODES = List.of("insufficient_memory", "insufficient_disk", "vm_start_failed",
            "network_unavailable", "download_failed", "already_running", "not_running", "timeout",
            "unsupported_os", "unknown");
    private static final List<String> OSES = List.of("linux", "darwin", "windows");

    record Event(int machine, String kind, String os, String build, String code) {
    }

    private record Quarter(List<Event> events, int k, int topBuilds) {
        Quarter with(List<Event> changed) {
            return new Quarter(changed, k, topBuilds);
        }
    }

    private record Published(ReportTables tables, Report.Rate rate) {
    }

    /** A suppressed cell: table (a rollup dimension) and key. */
    private record Hidden(String table, String key) {
    }

    @Test
    void noSuppressedValueCanBeWorkedOutFromWhatIsPublished() {
        List<String> leaks = new ArrayList<>();
        int suppressedCells = 0;
        for (int i = 0; i < DATASETS; i++) {
            Quarter quarter = generate(new Random(SEED + i));
            Published published = publish(quarter);
            for (Hidden hidden : hidden(published)) {
                suppressedCells++;
                for (String value : determined(quarter, published, hidden, SuppressionAuditTest::publish)) {
                    leaks.add("dataset " + i + " (k=" + quarter.k() + "): " + value + " of " + hidden.table() + "/"
                            + hidden.key() + " = " + value(quarter, hidden, value) + " is determined; "
                            + table(published, hidden.table()));
                }
            }
        }
        System.out.printf("suppression audit: %d datasets, %d suppressed cells, %d leaks%n", DATASETS,
                suppressedCells, leaks.size());
        assertThat(suppressedCells).as("the datasets exercise suppression").isGreaterThan(DATASETS);
        assertThat(leaks).isEmpty();
    }

    @Test
    void theAuditFindsTheLeakOfARuleThatHidesOnlySmallCells() {
        // The audit must be able to fail: hiding windows alone while the total is published gives it away.
        List<Event> events = new ArrayList<>();
        List.of(1, 2).forEach(m -> events.add(new Event(m, "stop", "windows", "1.0.0", null)));
        List.of(3, 4, 5).forEach(m -> events.add(new Event(m, "stop", "linux", "1.0.0", null)));
        List.of(6, 7, 8, 9, 10).forEach(m -> events.add(new Event(m, "stop", "darwin", "1.0.0", null)));
        Quarter quarter = new Quarter(events, 3, 10);
        Function<Quarter, Published> smallCellsOnly = q -> {
            Published real = publish(q);
            List<Cell> os = rollups(q.events()).get(Aggregates.OS).values().stream()
                    .map(c -> c.machines() < q.k()
                            ? new Cell(c.key(), null, null, true)
                            : new Cell(c.key(), c.events(), c.machines(), false))
                    .toList();
            return new Published(withOs(real.tables(), os), real.rate());
        };

        Published naive = smallCellsOnly.apply(quarter);
        assertThat(hidden(naive)).contains(new Hidden(Aggregates.OS, "windows"))
                .doesNotContain(new Hidden(Aggregates.OS, "darwin"));
        assertThat(determined(quarter, naive, new Hidden(Aggregates.OS, "windows"), smallCellsOnly))
                .containsExactlyInAnyOrder("events", "machines");
        assertThat(determined(quarter, publish(quarter), new Hidden(Aggregates.OS, "windows"),
                SuppressionAuditTest::publish)).isEmpty();
    }

    private static ReportTables withOs(ReportTables t, List<Cell> os) {
        return new ReportTables(t.active(), t.events(), t.optedIn(), t.optedOut(), t.byKind(), os, t.builds(),
                t.errorsByCode());
    }

    // --- generation -----------------------------------------------------------------------------------------

    private static Quarter generate(Random random) {
        int k = random.nextBoolean() ? 10 : 3 + random.nextInt(8);
        int machines = 2 + random.nextInt(60);
        List<String> builds = new ArrayList<>();
        for (int b = 0; b < 2 + random.nextInt(10); b++) {
            builds.add("1." + b + ".0");
        }
        List<Event> events = new ArrayList<>();
        for (int m = 0; m < machines; m++) {
            String os = OSES.get(skewed(random, OSES.size()));
            String build = builds.get(skewed(random, builds.size()));
            String upgrade = random.nextInt(4) == 0 ? builds.get(skewed(random, builds.size())) : build;
            int count = 1 + (random.nextInt(3) == 0 ? 0 : random.nextInt(15));
            for (int e = 0; e < count; e++) {
                String kind = KINDS.get(skewed(random, KINDS.size()));
                String code = kind.equals(ReportTables.ERROR) ? CODES.get(skewed(random, CODES.size())) : null;
                events.add(new Event(m, kind, os, e > count / 2 ? upgrade : build, code));
            }
        }
        return new Quarter(events, k, 2 + random.nextInt(9));
    }

    /** An index into n values, small ones much more likely (a few popular values, a long tail of rare ones). */
    private static int skewed(Random random, int n) {
        int index = (int) Math.floor(-Math.log(1 - random.nextDouble()) * n / 4);
        return Math.min(index, n - 1);
    }

    // --- publication, as report-service does it from its rollups ----------------------------------------------

    private static Published publish(Quarter quarter) {
        Map<String, Map<String, Count>> rollups = rollups(quarter.events());
        List<String> listed = ReportTables.listedBuilds(rollups.getOrDefault(Aggregates.BUILD, Map.of()).values(),
                quarter.k(), quarter.topBuilds());
        List<Event> others = quarter.events().stream().filter(e -> !listed.contains(e.build())).toList();
        Count other = new Count(ReportTables.OTHER, others.size(),
                others.stream().map(Event::machine).distinct().count());
        ReportTables tables = ReportTables.of(quarter.k(), KINDS, rollups, listed, other);
        return new Published(tables, ReportBuilder.startSuccessRate(tables.byKind(), succeededStarts(quarter)));
    }

    private static Map<String, Map<String, Count>> rollups(List<Event> events) {
        Map<String, Function<Event, String>> dimensions = new LinkedHashMap<>();
        dimensions.put(Aggregates.TOTAL, e -> "events");
        dimensions.put(Aggregates.KIND, Event::kind);
        dimensions.put(Aggregates.OS, Event::os);
        dimensions.put(Aggregates.BUILD, Event::build);
        dimensions.put(Aggregates.ERROR_CODE, Event::code);
        Map<String, Map<String, Count>> rollups = new HashMap<>();
        dimensions.forEach((dimension, key) -> {
            Map<String, Long> counts = new TreeMap<>();
            Map<String, Set<Integer>> machines = new TreeMap<>();
            for (Event event : events) {
                String value = key.apply(event);
                if (value != null) {
                    counts.merge(value, 1L, Long::sum);
                    machines.computeIfAbsent(value, v -> new HashSet<>()).add(event.machine());
                }
            }
            Map<String, Count> cells = new TreeMap<>();
            counts.forEach((value, n) -> cells.put(value, new Count(value, n, machines.get(value).size())));
            rollups.put(dimension, cells);
        });
        return rollups;
    }

    private static long succeededStarts(Quarter quarter) {
        Map<Integer, long[]> starts = new HashMap<>();
        for (Event event : quarter.events()) {
            if (event.kind().equals(ReportBuilder.START_BEGIN)) {
                starts.computeIfAbsent(event.machine(), m -> new long[2])[0]++;
            } else if (event.kind().equals(ReportBuilder.START_END)) {
                starts.computeIfAbsent(event.machine(), m -> new long[2])[1]++;
            }
        }
        return starts.values().stream().mapToLong(s -> Math.min(s[0], s[1])).sum();
    }

    private static List<Hidden> hidden(Published published) {
        List<Hidden> hidden = new ArrayList<>();
        Map<String, List<Cell>> tables = Map.of(Aggregates.KIND, published.tables().byKind(), Aggregates.OS,
                published.tables().byOs(), Aggregates.BUILD, published.tables().builds(), Aggregates.ERROR_CODE,
                published.tables().errorsByCode());
        tables.forEach((table, cells) -> cells.stream().filter(Cell::suppressed)
                .forEach(cell -> hidden.add(new Hidden(table, cell.key()))));
        return hidden;
    }

    private static String table(Published published, String table) {
        return switch (table) {
            case Aggregates.KIND -> published.tables().byKind().toString();
            case Aggregates.OS -> published.tables().byOs().toString();
            case Aggregates.BUILD -> published.tables().builds().toString();
            default -> published.tables().errorsByCode().toString();
        };
    }

    // --- the search for an indistinguishable dataset ------------------------------------------------------------

    /**
     * @param publisher the rule under audit
     * @return which values of the hidden cell ("events", "machines") no dataset publishing the same (by
     *         {@code publisher}) has different
     */
    private static Set<String> determined(Quarter quarter, Published published, Hidden hidden,
            Function<Quarter, Published> publisher) {
        long events = value(quarter, hidden, "events");
        long machines = value(quarter, hidden, "machines");
        Set<String> partners = new HashSet<>(hidden(published).stream()
                .filter(h -> h.table().equals(hidden.table())).map(Hidden::key).toList());
        partners.remove(hidden.key());
        if (hidden.table().equals(Aggregates.OS)) {
            partners.addAll(OSES); // a machine may move to an operating system shown in the table too
            partners.remove(hidden.key());
        }
        List<List<Event>> alternatives = new ArrayList<>(changes(quarter, hidden));
        for (String partner : partners) {
            alternatives.addAll(moves(quarter, hidden.table(), hidden.key(), partner));
        }
        if (!hidden.table().equals(Aggregates.OS)) {
            alternatives.addAll(swaps(quarter, published, hidden));
        }
        if (hidden.table().equals(Aggregates.ERROR_CODE)) {
            // An error event of this code may as well have been an event of another suppressed kind.
            for (Hidden kind : hidden(published)) {
                if (kind.table().equals(Aggregates.KIND) && !kind.key().equals(ReportTables.ERROR)) {
                    alternatives.addAll(moves(quarter, Aggregates.KIND, ReportTables.ERROR + "/" + hidden.key(),
                            kind.key()));
                }
            }
        }
        Set<String> determined = new HashSet<>(List.of("events", "machines"));
        for (List<Event> alternative : alternatives) {
            Quarter other = quarter.with(alternative);
            List<String> listed = listed(other);
            boolean eventsDiffer = determined.contains("events") && value(other, hidden, "events", listed) != events;
            boolean machinesDiffer = determined.contains("machines")
                    && value(other, hidden, "machines", listed) != machines;
            if ((eventsDiffer || machinesDiffer) && publisher.apply(other).equals(published)) {
                if (eventsDiffer) {
                    determined.remove("events");
                }
                if (machinesDiffer) {
                    determined.remove("machines");
                }
                if (determined.isEmpty()) {
                    break;
                }
            }
        }
        return determined;
    }

    /**
     * Datasets with one event of the hidden cell more or fewer, or one of its machines more (a copy) or fewer:
     * these change other figures too, so they publish the same only where those are suppressed as well.
     */
    private static List<List<Event>> changes(Quarter quarter, Hidden hidden) {
        List<String> listed = listed(quarter);
        List<List<Event>> changes = new ArrayList<>();
        Set<Event> seen = new HashSet<>();
        Set<Integer> machines = new HashSet<>();
        int copy = quarter.events().stream().mapToInt(Event::machine).max().orElse(0) + 1;
        for (int i = 0; i < quarter.events().size(); i++) {
            Event event = quarter.events().get(i);
            if (!in(event, hidden.table(), hidden.key(), listed)) {
                continue;
            }
            if (seen.add(event)) {
                List<Event> more = new ArrayList<>(quarter.events());
                more.add(event);
                changes.add(more);
                List<Event> fewer = new ArrayList<>(quarter.events());
                fewer.remove(i);
                changes.add(fewer);
            }
            if (machines.add(event.machine())) {
                int machine = event.machine();
                int id = copy;
                List<Event> more = new ArrayList<>(quarter.events());
                quarter.events().stream().filter(e -> e.machine() == machine)
                        .forEach(e -> more.add(new Event(id, e.kind(), e.os(), e.build(), e.code())));
                changes.add(more);
                changes.add(quarter.events().stream().filter(e -> e.machine() != machine).toList());
            }
        }
        return changes;
    }

    /**
     * Datasets in which an event of a shown cell was the hidden cell's and one of the hidden cell's was the shown
     * cell's: the shown cell keeps its events, and its machines where the two events' machines both are in it.
     */
    private static List<List<Event>> swaps(Quarter quarter, Published published, Hidden hidden) {
        List<String> listed = listed(quarter);
        List<String> shown = switch (hidden.table()) {
            case Aggregates.KIND -> keys(published.tables().byKind());
            case Aggregates.BUILD -> keys(published.tables().builds());
            default -> keys(published.tables().errorsByCode());
        };
        List<Integer> inHidden = sample(quarter, hidden.table(), hidden.key(), listed);
        List<List<Event>> swaps = new ArrayList<>();
        for (String key : shown) {
            if (hidden.table().equals(Aggregates.KIND)
                    && (key.equals(ReportTables.ERROR) || hidden.key().equals(ReportTables.ERROR))) {
                continue; // error codes would change too
            }
            for (int x : sample(quarter, hidden.table(), key, listed)) {
                for (int y : inHidden) {
                    List<Event> changed = new ArrayList<>(quarter.events());
                    String target = hidden.key().equals(ReportTables.OTHER) ? "9.9.9" : hidden.key();
                    changed.set(x, relabel(quarter.events().get(x), hidden.table(), target));
                    changed.set(y, relabel(quarter.events().get(y), hidden.table(), key));
                    swaps.add(changed);
                }
            }
        }
        return swaps;
    }

    private static List<String> keys(List<Cell> cells) {
        return cells.stream().filter(cell -> !cell.suppressed() && cell.machines() > 0).map(Cell::key).toList();
    }

    /** Indexes of events in a cell, one per machine, of up to four machines. */
    private static List<Integer> sample(Quarter quarter, String table, String key, List<String> listed) {
        List<Integer> indexes = new ArrayList<>();
        Set<Integer> machines = new HashSet<>();
        for (int i = 0; i < quarter.events().size() && indexes.size() < 4; i++) {
            Event event = quarter.events().get(i);
            if (in(event, table, key, listed) && machines.add(event.machine())) {
                indexes.add(i);
            }
        }
        return indexes;
    }

    /** Datasets that differ from the quarter by moving events of one machine between cells {@code a} and {@code b}. */
    private static List<List<Event>> moves(Quarter quarter, String table, String a, String b) {
        List<List<Event>> moves = new ArrayList<>();
        List<String> listed = listed(quarter);
        for (String[] direction : List.of(new String[]{a, b}, new String[]{b, a})) {
            String from = direction[0];
            String to = direction[1];
            Set<Object> seen = new HashSet<>();
            for (int i = 0; i < quarter.events().size(); i++) {
                Event event = quarter.events().get(i);
                if (!in(event, table, from, listed)
                        || !seen.add(table.equals(Aggregates.OS) ? event.machine() : event)) {
                    continue;
                }
                if (table.equals(Aggregates.OS)) {
                    int machine = event.machine();
                    moves.add(map(quarter.events(), e -> e.machine() == machine
                            ? new Event(e.machine(), e.kind(), to, e.build(), e.code())
                            : e));
                } else {
                    for (String target : targets(quarter, table, to, listed)) {
                        int index = i;
                        List<Event> changed = new ArrayList<>(quarter.events());
                        changed.set(index, relabel(event, table, target));
                        moves.add(changed);
                    }
                }
            }
        }
        return moves;
    }

    /** The labels an event moved into cell {@code to} can take ("other" stands for every unlisted build). */
    private static List<String> targets(Quarter quarter, String table, String to, List<String> listed) {
        if (table.equals(Aggregates.BUILD) && to.equals(ReportTables.OTHER)) {
            List<String> unlisted = new ArrayList<>(quarter.events().stream().map(Event::build)
                    .filter(build -> !listed.contains(build)).distinct().toList());
            unlisted.add("9.9.9");
            return unlisted;
        }
        if (table.equals(Aggregates.KIND) && to.equals(ReportTables.ERROR)) {
            return CODES.stream().map(code -> ReportTables.ERROR + "/" + code).toList();
        }
        return List.of(to);
    }

    private static Event relabel(Event event, String table, String target) {
        return switch (table) {
            case Aggregates.KIND -> target.startsWith(ReportTables.ERROR + "/")
                    ? new Event(event.machine(), ReportTables.ERROR, event.os(), event.build(),
                            target.substring(ReportTables.ERROR.length() + 1))
                    : new Event(event.machine(), target, event.os(), event.build(), null);
            case Aggregates.BUILD -> new Event(event.machine(), event.kind(), event.os(), target, event.code());
            case Aggregates.ERROR_CODE -> new Event(event.machine(), event.kind(), event.os(), event.build(), target);
            default -> throw new IllegalArgumentException(table);
        };
    }

    private static boolean in(Event event, String table, String key, List<String> listed) {
        return switch (table) {
            case Aggregates.KIND -> key.startsWith(ReportTables.ERROR + "/")
                    ? event.kind().equals(ReportTables.ERROR) && key.endsWith("/" + event.code())
                    : event.kind().equals(key);
            case Aggregates.OS -> event.os().equals(key);
            case Aggregates.BUILD -> key.equals(ReportTables.OTHER)
                    ? !listed.contains(event.build())
                    : event.build().equals(key);
            case Aggregates.ERROR_CODE -> key.equals(event.code());
            default -> throw new IllegalArgumentException(table);
        };
    }

    private static long value(Quarter quarter, Hidden hidden, String value) {
        return value(quarter, hidden, value, listed(quarter));
    }

    private static long value(Quarter quarter, Hidden hidden, String value, List<String> listed) {
        List<Event> in = quarter.events().stream().filter(e -> in(e, hidden.table(), hidden.key(), listed)).toList();
        return value.equals("events") ? in.size() : in.stream().map(Event::machine).distinct().count();
    }

    private static List<String> listed(Quarter quarter) {
        return ReportTables.listedBuilds(rollups(quarter.events()).getOrDefault(Aggregates.BUILD, Map.of()).values(),
                quarter.k(), quarter.topBuilds());
    }

    private static List<Event> map(List<Event> events, UnaryOperator<Event> change) {
        return events.stream().map(change).toList();
    }
}
