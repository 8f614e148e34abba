package dev.telemetry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.restassured.path.json.JsonPath;

import dev.telemetry.contract.catalog.EventCatalog;

/**
 * A quarter's report computed from the simulated machines alone, and the check of a served report against it: every
 * shown figure exact, and exactly the cells hidden that the published suppression rule hides (computed here).
 */
final class ExpectedReport {

    private final int k;
    private final List<Machine.Counted> counted;
    private final long active;
    private final long optedIn;
    private final long optedOut;

    ExpectedReport(List<Machine> machines, int k) {
        this.k = k;
        List<Machine> kept = machines.stream().filter(machine -> !machine.erased).toList();
        this.counted = kept.stream().flatMap(machine -> machine.counted.stream()).toList();
        this.active = counted.stream().map(Machine.Counted::machine).distinct().count();
        this.optedIn = kept.stream().filter(machine -> machine.grantedInQuarter).count();
        this.optedOut = kept.stream().filter(machine -> machine.withdrewInQuarter).count();
    }

    long events() {
        return counted.size();
    }

    void assertMatches(JsonPath report) {
        String shown = report.prettify();
        assertFigure(report, "machines.active", active, active, shown);
        assertFigure(report, "events", counted.size(), active, shown);
        assertFigure(report, "machines.optedIn", optedIn, optedIn, shown);
        assertFigure(report, "machines.optedOut", optedOut, optedOut, shown);

        Map<String, long[]> byKind = cells(counted, Machine.Counted::kind);
        assertThat(report.getList("eventsByKind.key", String.class)).as("a row for every catalog kind")
                .containsExactlyInAnyOrderElementsOf(EventCatalog.cfDev().kinds().keySet());
        int suppressed = assertTable(report, "eventsByKind", byKind)
                + assertTable(report, "byOs", cells(counted, counted -> counted.machine().os))
                + assertTable(report, "topBuilds", builds())
                + assertTable(report, "errorsByCode", cells(
                        counted.stream().filter(counted -> counted.errorCode() != null).toList(),
                        Machine.Counted::errorCode));
        assertThat(suppressed).as("the fleet is built so that some cells are small: " + shown).isPositive();

        long[] begins = byKind.getOrDefault("start_begin", new long[2]);
        // A machine's start_end events succeed up to its own number of start_begin events.
        Map<Machine, long[]> starts = new HashMap<>();
        counted.forEach(event -> {
            if (event.kind().equals("start_begin") || event.kind().equals("start_end")) {
                starts.computeIfAbsent(event.machine(), any -> new long[2])[event.kind().equals("start_end") ? 1 : 0]++;
            }
        });
        long succeeded = starts.values().stream().mapToLong(start -> Math.min(start[0], start[1])).sum();
        Set<String> hiddenKinds = hidden(byKind);
        boolean rateHidden = hiddenKinds.contains("start_begin") || hiddenKinds.contains("start_end");
        assertThat(report.getBoolean("startSuccessRate.suppressed")).as("start success rate suppressed")
                .isEqualTo(rateHidden);
        if (!rateHidden) {
            assertThat(report.getDouble("startSuccessRate.value")).as("start success rate")
                    .isEqualTo(Math.round(10000.0 * succeeded / begins[0]) / 10000.0);
        }
    }

    private void assertFigure(JsonPath report, String path, long value, long fromMachines, String shown) {
        if (fromMachines > 0 && fromMachines < k) {
            assertThat(report.getBoolean(path + ".suppressed")).as(path + " is small: " + shown).isTrue();
            assertThat(report.<Object>get(path + ".value")).as(path).isNull();
        } else {
            assertThat(report.getBoolean(path + ".suppressed")).as(path + " suppressed: " + shown).isFalse();
            assertThat(report.getLong(path + ".value")).as(path + ": " + shown).isEqualTo(value);
        }
    }

    /**
     * The builds table: builds of at least k machines by name (the 10 largest by machines), every other build folded
     * into "other" (events summed, machines distinct) before suppression.
     */
    private Map<String, long[]> builds() {
        Map<String, long[]> all = cells(counted, event -> event.machine().build);
        List<String> listed = all.keySet().stream().filter(build -> all.get(build)[1] >= k)
                .sorted(Comparator.<String>comparingLong(build -> -all.get(build)[1])
                        .thenComparingLong(build -> -all.get(build)[0]).thenComparing(Comparator.naturalOrder()))
                .limit(10).toList();
        Map<String, long[]> builds = new HashMap<>();
        listed.forEach(build -> builds.put(build, all.get(build)));
        List<Machine.Counted> rest = counted.stream().filter(event -> !listed.contains(event.machine().build)).toList();
        if (!rest.isEmpty()) {
            builds.putAll(cells(rest, event -> "other"));
        }
        return builds;
    }

    /** key -> {events, distinct machines} */
    private static Map<String, long[]> cells(List<Machine.Counted> counted, Function<Machine.Counted, String> key) {
        Map<String, long[]> cells = new HashMap<>();
        Map<String, Set<Machine>> machines = new HashMap<>();
        for (Machine.Counted event : counted) {
            cells.computeIfAbsent(key.apply(event), any -> new long[2])[0]++;
            machines.computeIfAbsent(key.apply(event), any -> new HashSet<>()).add(event.machine());
        }
        machines.forEach((cell, set) -> cells.get(cell)[1] = set.size());
        return cells;
    }

    /** @return how many cells are suppressed */
    private int assertTable(JsonPath report, String table, Map<String, long[]> truth) {
        List<Map<String, Object>> cells = report.getList(table);
        assertThat(cells.stream().map(cell -> (String) cell.get("key")).toList()).as(table + " has every key")
                .containsAll(truth.keySet());
        Map<String, long[]> shown = new HashMap<>();
        cells.forEach(cell -> shown.put((String) cell.get("key"), truth.getOrDefault(cell.get("key"), new long[2])));
        Set<String> hidden = hidden(shown);
        for (Map<String, Object> cell : cells) {
            String key = (String) cell.get("key");
            long[] expected = shown.get(key);
            assertThat((Boolean) cell.get("suppressed")).as(table + " " + key + " suppressed").isEqualTo(
                    hidden.contains(key));
            if (hidden.contains(key)) {
                assertThat(cell.get("events")).as(table + " " + key).isNull();
                assertThat(cell.get("machines")).as(table + " " + key).isNull();
            } else {
                assertThat(((Number) cell.get("events")).longValue()).as(table + " " + key + " events")
                        .isEqualTo(expected[0]);
                assertThat(((Number) cell.get("machines")).longValue()).as(table + " " + key + " machines")
                        .isEqualTo(expected[1]);
            }
        }
        return hidden.size();
    }

    /**
     * The published suppression rule, computed independently: every cell from 1 to k-1 machines, then the smallest
     * further cells until at least two are hidden and together they cover k machines (unless nothing is left).
     */
    private Set<String> hidden(Map<String, long[]> cells) {
        Set<String> hidden = new HashSet<>();
        cells.forEach((key, cell) -> {
            if (cell[1] > 0 && cell[1] < k) {
                hidden.add(key);
            }
        });
        if (hidden.isEmpty()) {
            return hidden;
        }
        List<String> candidates = new ArrayList<>(cells.keySet().stream()
                .filter(key -> !hidden.contains(key) && cells.get(key)[1] > 0)
                .sorted(Comparator.<String>comparingLong(key -> cells.get(key)[1])
                        .thenComparingLong(key -> cells.get(key)[0]).thenComparing(Comparator.naturalOrder()))
                .toList());
        while ((hidden.size() < 2 || hidden.stream().mapToLong(key -> cells.get(key)[1]).sum() < k)
                && !candidates.isEmpty()) {
            hidden.add(candidates.remove(0));
        }
        return hidden;
    }
}
