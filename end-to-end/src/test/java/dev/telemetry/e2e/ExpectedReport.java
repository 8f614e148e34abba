package dev.telemetry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

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
 * shown figure exact, every figure from fewer than k machines suppressed, no suppressed cell recoverable.
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
                + assertTable(report, "topBuilds", cells(counted, counted -> counted.machine().build))
                + assertTable(report, "errorsByCode", cells(
                        counted.stream().filter(counted -> counted.errorCode() != null).toList(),
                        Machine.Counted::errorCode));
        assertThat(suppressed).as("the fleet is built so that some cells are small: " + shown).isPositive();

        boolean rateSuppressed = report.getBoolean("startSuccessRate.suppressed");
        if (!rateSuppressed) {
            long begins = byKind.getOrDefault("start_begin", new long[2])[0];
            long ends = byKind.getOrDefault("start_end", new long[2])[0];
            assertThat(report.getDouble("startSuccessRate.value")).as("start success rate")
                    .isEqualTo(Math.round(10000.0 * ends / begins) / 10000.0);
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
        long suppressedMachines = 0;
        int suppressed = 0;
        for (Map<String, Object> cell : cells) {
            String key = (String) cell.get("key");
            long[] expected = truth.getOrDefault(key, new long[2]);
            if ((Boolean) cell.get("suppressed")) {
                assertThat(cell.get("events")).as(table + " " + key).isNull();
                assertThat(cell.get("machines")).as(table + " " + key).isNull();
                suppressed++;
                suppressedMachines += expected[1];
            } else {
                assertThat(expected[1]).as(table + " " + key + " is small but shown")
                        .matches(machines -> machines == 0 || machines >= k);
                assertThat(((Number) cell.get("events")).longValue()).as(table + " " + key + " events")
                        .isEqualTo(expected[0]);
                assertThat(((Number) cell.get("machines")).longValue()).as(table + " " + key + " machines")
                        .isEqualTo(expected[1]);
            }
        }
        long nonZero = truth.values().stream().filter(cell -> cell[1] > 0).count();
        if (suppressed > 0 && suppressed < nonZero) {
            assertThat(suppressed).as(table + ": a lone suppressed cell is recoverable from the total")
                    .isGreaterThanOrEqualTo(2);
            assertThat(suppressedMachines).as(table + ": suppressed cells single out too few machines")
                    .isGreaterThanOrEqualTo(k);
        }
        assertThat(cells.stream().map(cell -> (String) cell.get("key")).toList()).as(table + " has every key")
                .containsAll(truth.keySet());
        return suppressed;
    }
}
