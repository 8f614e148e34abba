package dev.telemetry.report.reporting;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.telemetry.consentview.ConsentWindows;
import dev.telemetry.contract.catalog.EventCatalog;
import dev.telemetry.report.projection.Aggregates;
import dev.telemetry.report.quarter.Quarter;
import dev.telemetry.report.reporting.Report.Cell;
import dev.telemetry.report.reporting.Report.Figure;
import dev.telemetry.report.reporting.Report.Rate;
import dev.telemetry.report.reporting.Suppression.Count;

/** Makes a quarter's report from its rollups (two small queries), applying small-cell suppression. */
@ApplicationScoped
public class ReportBuilder {

    static final String OTHER = "other";

    private final int k;
    private final int topBuilds;
    private final EventCatalog catalog;
    private final ConsentWindows consentWindows;

    ReportBuilder(@ConfigProperty(name = "report.minimum-cell-machines") int k,
            @ConfigProperty(name = "report.top-builds") int topBuilds,
            @ConfigProperty(name = "report.catalog") Optional<String> catalogFile, ConsentWindows consentWindows) {
        this.k = k;
        this.topBuilds = topBuilds;
        this.consentWindows = consentWindows;
        // The same catalog as the collector's, so every event kind it accepts has a row.
        this.catalog = EventCatalog.configured(catalogFile);
    }

    public int minimumCellMachines() {
        return k;
    }

    public Uni<Report> build(SqlClient client, Quarter quarter) {
        return client.preparedQuery("SELECT dimension, key, events, machines FROM rollup WHERE quarter = $1")
                .execute(Tuple.of(quarter.toString()))
                .chain(rows -> {
                    Map<String, Map<String, Count>> tables = new HashMap<>();
                    for (Row row : rows) {
                        tables.computeIfAbsent(row.getString("dimension"), d -> new TreeMap<>()).put(
                                row.getString("key"),
                                new Count(row.getString("key"), row.getLong("events"), row.getLong("machines")));
                    }
                    List<String> top = tables.getOrDefault(Aggregates.BUILD, Map.of()).values().stream()
                            .sorted(Comparator.comparingLong(Count::machines).reversed()
                                    .thenComparing(Comparator.comparingLong(Count::events).reversed())
                                    .thenComparing(Count::key))
                            .limit(topBuilds).map(Count::key).toList();
                    return otherBuilds(client, quarter, top).map(other -> assemble(quarter, tables, top, other));
                });
    }

    /** "Other" builds: events add up, distinct machines do not, so they are counted from the contributions. */
    private Uni<Count> otherBuilds(SqlClient client, Quarter quarter, List<String> top) {
        return client.preparedQuery("""
                SELECT coalesce(sum(events), 0) AS events, count(DISTINCT pseudonym) AS machines FROM contribution
                WHERE quarter = $1 AND dimension = $2 AND NOT (key = ANY($3))""")
                .execute(Tuple.of(quarter.toString(), Aggregates.BUILD, top.toArray(String[]::new)))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Count(OTHER, row.getLong("events"), row.getLong("machines"));
                });
    }

    private Report assemble(Quarter quarter, Map<String, Map<String, Count>> tables, List<String> top, Count other) {
        Count total = tables.getOrDefault(Aggregates.TOTAL, Map.of()).getOrDefault("events", new Count("events", 0, 0));
        Map<String, Count> consent = tables.getOrDefault(Aggregates.CONSENT, Map.of());

        Map<String, Count> kinds = new TreeMap<>();
        catalog.kinds().keySet().forEach(kind -> kinds.put(kind, new Count(kind, 0, 0)));
        kinds.putAll(tables.getOrDefault(Aggregates.KIND, Map.of()));
        List<Cell> byKind = table(new ArrayList<>(kinds.values()));

        List<Count> builds = new ArrayList<>();
        top.forEach(key -> builds.add(tables.get(Aggregates.BUILD).get(key)));
        if (other.machines() > 0) {
            builds.add(other);
        }

        return new Report(quarter.toString(), Report.PREVIEW, new Report.Period(quarter.start(), quarter.end()), null,
                new Report.Machines(figure(total.machines(), total.machines()),
                        figure(consent.get(Aggregates.OPTED_IN)), figure(consent.get(Aggregates.OPTED_OUT))),
                figure(total.events(), total.machines()),
                startSuccessRate(byKind),
                byKind,
                table(new ArrayList<>(tables.getOrDefault(Aggregates.OS, Map.of()).values())),
                table(builds),
                table(new ArrayList<>(tables.getOrDefault(Aggregates.ERROR_CODE, Map.of()).values())),
                methodology());
    }

    private List<Cell> table(List<Count> counts) {
        Set<String> hidden = Suppression.suppressed(counts, k);
        return counts.stream()
                .map(count -> hidden.contains(count.key())
                        ? new Cell(count.key(), null, null, true)
                        : new Cell(count.key(), count.events(), count.machines(), false))
                .toList();
    }

    private Figure figure(Count count) {
        return count == null ? new Figure(0L, false) : figure(count.machines(), count.machines());
    }

    /** A figure counted from {@code machines} machines. */
    private Figure figure(long value, long machines) {
        return machines > 0 && machines < k ? new Figure(null, true) : new Figure(value, false);
    }

    private static Rate startSuccessRate(List<Cell> byKind) {
        Cell begin = byKind.stream().filter(c -> c.key().equals("start_begin")).findFirst().orElseThrow();
        Cell end = byKind.stream().filter(c -> c.key().equals("start_end")).findFirst().orElseThrow();
        if (begin.suppressed() || end.suppressed()) {
            return new Rate(null, true);
        }
        if (begin.events() == 0) {
            return new Rate(null, false);
        }
        return new Rate(Math.round(10000.0 * end.events() / begin.events()) / 10000.0, false);
    }

    private Report.Methodology methodology() {
        return new Report.Methodology(k,
                "Every figure counted from 1 to " + (k - 1) + " distinct machines is suppressed; in each table further "
                        + "cells, smallest first, are suppressed until at least two are and together they cover at "
                        + "least " + k
                        + " machines, so no suppressed value can be recovered from totals or other cells.",
                "Only events captured while the machine had opted in are counted (same rule as the collector: "
                        + DurationWords.of(consentWindows.clockSkew()) + " of clock-skew tolerance, "
                        + DurationWords.of(consentWindows.optOutGrace())
                        + " to send earlier events after an opt-out). "
                        + "Machines that asked for erasure before publication are removed entirely.",
                "Events are attributed to the UTC quarter of their timestamp. Once a quarter is published its report "
                        + "never changes; events for it that arrive later are not counted anywhere.",
                "Machines are counted by a keyed pseudonym of their anonymous ID; neither is ever published. "
                        + "Start success rate = start_end events / start_begin events.",
                catalog.id());
    }
}
