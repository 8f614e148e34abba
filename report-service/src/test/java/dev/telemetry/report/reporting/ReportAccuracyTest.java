package dev.telemetry.report.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.telemetry.contract.usage.UsageEvent;
import dev.telemetry.report.Fleet;
import dev.telemetry.report.quarter.Quarter;

/**
 * A generated quarter against ground truth computed here: every published cell exact, every small cell suppressed,
 * suppression never recoverable from totals, duplicates and consent-violating events never counted.
 */
@QuarkusTest
class ReportAccuracyTest {

    private static final int K = 10;
    private static final Quarter QUARTER = new Quarter(2026, 2);

    @Test
    void generatedQuarterMatchesGroundTruth() {
        Fleet fleet = new Fleet();
        Random random = new Random(20260401);
        Instant start = QUARTER.start();
        List<String> oses = List.of("linux", "darwin", "windows");
        List<String> builds = List.of("1.0.0", "1.1.0", "0.9.0");
        List<String> codes = List.of("timeout", "timeout", "timeout", "vm_start_failed");
        int optedInDuringQuarter = 0;

        // Three big builds, seven of two machines each and ten of one machine each: the builds of fewer than k
        // machines are folded into "other" (so shown) before anything is suppressed, and only "other" reports them.
        List<String> machineBuilds = new java.util.ArrayList<>();
        for (int n = 0; n < 36; n++) {
            machineBuilds.add(builds.get(n % 7 == 0 ? 2 : n % 3 == 0 ? 1 : 0));
        }
        for (int b = 0; b < 7; b++) {
            machineBuilds.addAll(List.of("2." + b + ".0", "2." + b + ".0"));
        }
        for (int b = 0; b < 10; b++) {
            machineBuilds.add("3." + b + ".0");
        }
        int[] osShare = {22 + 24, 12, 2};

        int n = 0;
        for (int o = 0; o < oses.size(); o++) {
            for (int i = 0; i < osShare[o]; i++, n++) {
                Fleet.Machine machine = fleet.machine(oses.get(o), machineBuilds.get(n));
                boolean newInQuarter = n % 3 == 0;
                fleet.optIn(machine, newInQuarter ? start.plus(Duration.ofDays(1)) : start.minus(Duration.ofDays(20)));
                optedInDuringQuarter += newInQuarter ? 1 : 0;
                Instant t = start.plus(Duration.ofDays(2 + random.nextInt(60)));
                int starts = 1 + random.nextInt(3);
                for (int s = 0; s < starts; s++) {
                    fleet.use(machine, "start_begin", Map.of("cpus", 4), t.plusSeconds(s * 3600), true);
                    if (random.nextInt(5) > 0) {
                        fleet.use(machine, "start_end", Map.of("duration_s", 300), t.plusSeconds(s * 3600 + 300), true);
                    } else {
                        fleet.use(machine, "error", Map.of("code", codes.get(random.nextInt(codes.size())),
                                "command", "start"), t.plusSeconds(s * 3600 + 60), true);
                    }
                }
                UsageEvent stop = fleet.use(machine, "stop", Map.of(), t.plusSeconds(20000), true);
                if (n % 5 == 0) {
                    fleet.resend(stop);
                }
            }
        }
        // Never opted in, and captured after an opt-out: both must be dropped.
        Fleet.Machine stranger = fleet.machine("linux", "1.0.0");
        fleet.use(stranger, "start_begin", Map.of(), start.plus(Duration.ofDays(10)), false);
        Fleet.Machine leaver = fleet.machine("linux", "1.0.0");
        fleet.optIn(leaver, start.minus(Duration.ofDays(5)));
        fleet.optOut(leaver, start.plus(Duration.ofDays(3)));
        fleet.use(leaver, "bosh", Map.of(), start.plus(Duration.ofDays(2)), true);
        fleet.use(leaver, "bosh", Map.of(), start.plus(Duration.ofDays(9)), false);

        List<Fleet.Sent> counted = fleet.sent.stream().filter(Fleet.Sent::counts).toList();
        JsonPath report = Fleet.awaitEvents(QUARTER.toString(), counted.size());

        Set<String> active = counted.stream().map(Fleet.Sent::pseudonym).collect(Collectors.toSet());
        assertThat(report.getLong("machines.active.value")).as(report.prettify()).isEqualTo(active.size());
        assertThat(report.getLong("events.value")).isEqualTo(counted.size());
        assertThat(report.getLong("machines.optedIn.value")).isEqualTo(optedInDuringQuarter);
        assertThat(report.getBoolean("machines.optedOut.suppressed")).as("one machine opted out").isTrue();

        Map<String, long[]> kinds = truth(counted, Fleet.Sent::kind);
        assertTable(report, "eventsByKind", kinds);
        assertThat(keys(report, "eventsByKind")).as("every kind of the catalog, sent or not")
                .containsAll(kinds.keySet()).contains("app_created", "bosh", "start_begin", "start_end", "stop");
        Map<String, long[]> os = truth(counted, Fleet.Sent::os);
        assertTable(report, "byOs", os);
        assertThat(keys(report, "byOs")).containsExactlyInAnyOrderElementsOf(os.keySet());
        Map<String, long[]> errorCodes = truth(counted.stream().filter(s -> s.errorCode() != null).toList(),
                Fleet.Sent::errorCode);
        assertTable(report, "errorsByCode", errorCodes);
        assertThat(keys(report, "errorsByCode")).containsExactlyInAnyOrderElementsOf(errorCodes.keySet());

        Map<String, long[]> expectedBuilds = topBuilds(counted, 10, 10);
        assertTable(report, "topBuilds", expectedBuilds);
        assertThat(keys(report, "topBuilds")).as("builds of at least k machines, largest first, then other")
                .containsExactlyElementsOf(expectedBuilds.keySet());
        Map<String, Object> other = report.getMap("topBuilds.find { it.key == 'other' }");
        assertThat(expectedBuilds.get("other")[1]).as("the small builds together").isGreaterThanOrEqualTo(10);
        assertThat(other.get("suppressed")).as("other covers at least k machines").isEqualTo(false);
        assertThat(((Number) other.get("machines")).longValue()).isEqualTo(expectedBuilds.get("other")[1]);
        long begins = counted.stream().filter(s -> s.kind().equals("start_begin")).count();
        long ends = counted.stream().filter(s -> s.kind().equals("start_end")).count();
        assertThat(report.getDouble("startSuccessRate.value"))
                .isEqualTo(Math.round(10000.0 * ends / begins) / 10000.0);
        assertThat(report.prettify()).doesNotContain(stranger.pseudonym).doesNotContain(leaver.pseudonym);
    }

    /**
     * The top {@code limit} builds of at least {@code k} machines by machines (then events, then name), in that order,
     * and "other" for the rest: their events add up, their machines are counted distinct.
     */
    private static Map<String, long[]> topBuilds(List<Fleet.Sent> sent, int limit, int k) {
        Map<String, long[]> all = truth(sent, Fleet.Sent::build);
        List<String> order = all.keySet().stream().filter(b -> all.get(b)[1] >= k)
                .sorted(java.util.Comparator.<String>comparingLong(b -> -all.get(b)[1])
                        .thenComparingLong(b -> -all.get(b)[0]).thenComparing(b -> b))
                .toList();
        Map<String, long[]> top = new java.util.LinkedHashMap<>();
        order.stream().limit(limit).forEach(b -> top.put(b, all.get(b)));
        List<Fleet.Sent> rest = sent.stream().filter(s -> !top.containsKey(s.build())).toList();
        if (!rest.isEmpty()) {
            top.put("other", truth(rest, s -> "other").get("other"));
        }
        return top;
    }

    private static List<String> keys(JsonPath report, String table) {
        return report.getList(table + ".key", String.class);
    }

    /** key -> {events, machines} */
    private static Map<String, long[]> truth(List<Fleet.Sent> sent, Function<Fleet.Sent, String> key) {
        Map<String, long[]> truth = new HashMap<>();
        Map<String, Set<String>> machines = new HashMap<>();
        for (Fleet.Sent s : sent) {
            truth.computeIfAbsent(key.apply(s), k -> new long[2])[0]++;
            machines.computeIfAbsent(key.apply(s), k -> new HashSet<>()).add(s.pseudonym());
        }
        machines.forEach((k, set) -> truth.get(k)[1] = set.size());
        return truth;
    }

    private static void assertTable(JsonPath report, String table, Map<String, long[]> truth) {
        List<Map<String, Object>> cells = report.getList(table);
        long suppressedMachines = 0;
        int suppressed = 0;
        for (Map<String, Object> cell : cells) {
            long[] expected = truth.getOrDefault((String) cell.get("key"), new long[2]);
            if ((Boolean) cell.get("suppressed")) {
                assertThat(cell.get("events")).isNull();
                assertThat(cell.get("machines")).isNull();
                suppressed++;
                suppressedMachines += expected[1];
            } else {
                assertThat(expected[1]).as(table + " " + cell.get("key") + " is small but shown")
                        .matches(machines -> machines == 0 || machines >= K);
                assertThat(((Number) cell.get("events")).longValue()).as(table + " " + cell.get("key") + " events")
                        .isEqualTo(expected[0]);
                assertThat(((Number) cell.get("machines")).longValue()).as(table + " " + cell.get("key") + " machines")
                        .isEqualTo(expected[1]);
            }
        }
        long nonZero = cells.stream().filter(c -> truth.getOrDefault((String) c.get("key"), new long[2])[1] > 0)
                .count();
        // Unless the whole table is hidden, suppressed cells must not be recoverable from the published total.
        if (suppressed > 0 && suppressed < nonZero) {
            assertThat(suppressed).as(table + ": a lone suppressed cell is recoverable").isGreaterThanOrEqualTo(2);
            assertThat(suppressedMachines).as(table + ": suppressed group too small").isGreaterThanOrEqualTo(K);
        }
    }
}
