package dev.telemetry.report.reporting;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.telemetry.consentview.ConsentWindows;
import dev.telemetry.contract.catalog.EventCatalog;
import dev.telemetry.report.projection.Aggregates;
import dev.telemetry.report.projection.CountingRule;
import dev.telemetry.report.quarter.Quarter;
import dev.telemetry.report.reporting.Report.Cell;
import dev.telemetry.report.reporting.Report.Rate;
import dev.telemetry.report.reporting.Suppression.Count;

/**
 * Makes a quarter's report from its rollups and a few small queries (the "other" builds and successful starts from
 * the contributions, earlier published reports for the trend), applying small-cell suppression.
 */
@ApplicationScoped
@Startup // the catalog is checked at start-up: a refused catalog stops the service
public class ReportBuilder {

    static final String OTHER = ReportTables.OTHER;
    static final String START_BEGIN = "start_begin";
    static final String START_END = "start_end";
    /** Two years of quarters in the change-over-time section. */
    static final int TREND_QUARTERS = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int k;
    private final int topBuilds;
    private final EventCatalog catalog;
    private final ConsentWindows consentWindows;
    private final CountingRule counting;

    ReportBuilder(@ConfigProperty(name = "report.minimum-cell-machines") int k,
            @ConfigProperty(name = "report.top-builds") int topBuilds,
            @ConfigProperty(name = "report.catalog") Optional<String> catalogFile, ConsentWindows consentWindows,
            CountingRule counting) {
        this.counting = counting;
        this.k = k;
        this.topBuilds = topBuilds;
        this.consentWindows = consentWindows;
        // The same catalog as the collector's, so every event kind it accepts has a row.
        this.catalog = EventCatalog.configured(catalogFile);
    }

    public int minimumCellMachines() {
        return k;
    }

    /** The catalog every report lists the event kinds of. */
    public EventCatalog catalog() {
        return catalog;
    }

    public Uni<Report> build(SqlClient client, Quarter quarter) {
        return client.preparedQuery(COUNTED_ROLLUPS)
                .execute(Tuple.of(quarter.toString(), counting.minimumActiveDays()))
                .chain(rows -> {
                    Map<String, Map<String, Count>> tables = new HashMap<>();
                    for (Row row : rows) {
                        tables.computeIfAbsent(row.getString("dimension"), d -> new TreeMap<>()).put(
                                row.getString("key"),
                                new Count(row.getString("key"), row.getLong("events"), row.getLong("machines")));
                    }
                    List<String> top = ReportTables.listedBuilds(
                            tables.getOrDefault(Aggregates.BUILD, Map.of()).values(), k, topBuilds);
                    return otherBuilds(client, quarter, top)
                            .chain(other -> successfulStarts(client, quarter)
                                    .chain(succeeded -> earlierQuarters(client, quarter)
                                            .map(earlier -> assemble(quarter, tables, top, other, succeeded,
                                                    earlier))));
                });
    }

    /**
     * The quarter's rollups without what machines that do not count ({@link CountingRule}) contributed: their events
     * and, in each cell, themselves. Opt-ins and opt-outs are counted for every machine.
     */
    private static final String COUNTED_ROLLUPS = """
            WITH counting AS (%1$s), excluded AS (
                SELECT dimension, key, sum(events) AS events, count(*) AS machines FROM contribution
                WHERE quarter = $1 AND dimension <> '%2$s' AND pseudonym NOT IN (SELECT pseudonym FROM counting)
                GROUP BY dimension, key)
            SELECT * FROM (
                SELECT r.dimension, r.key, r.events - coalesce(x.events, 0) AS events,
                       r.machines - coalesce(x.machines, 0) AS machines
                FROM rollup r LEFT JOIN excluded x USING (dimension, key) WHERE r.quarter = $1) counted
            WHERE machines > 0""".formatted(CountingRule.countingMachines("contribution"), Aggregates.CONSENT);

    /** "Other" builds: events add up, distinct machines do not, so they are counted from the contributions. */
    private Uni<Count> otherBuilds(SqlClient client, Quarter quarter, List<String> top) {
        return client.preparedQuery("""
                WITH counting AS (%s)
                SELECT coalesce(sum(events), 0) AS events, count(DISTINCT pseudonym) AS machines FROM contribution
                WHERE quarter = $1 AND dimension = $3 AND NOT (key = ANY($4))
                  AND pseudonym IN (SELECT pseudonym FROM counting)"""
                .formatted(CountingRule.countingMachines("contribution")))
                .execute(Tuple.of(quarter.toString(), counting.minimumActiveDays(), Aggregates.BUILD,
                        top.toArray(String[]::new)))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Count(OTHER, row.getLong("events"), row.getLong("machines"));
                });
    }

    /**
     * Successful starts: per machine, its start_end events, but never more than its own start_begin events of the
     * quarter (a start_end whose start_begin fell into the previous quarter, or before the machine opted in, has no
     * attempt to succeed). Counted from the contributions, which exist until the quarter is published.
     */
    private Uni<Long> successfulStarts(SqlClient client, Quarter quarter) {
        return client.preparedQuery("""
                WITH counting AS (%s)
                SELECT coalesce(sum(least(attempt.events, coalesce(success.events, 0))), 0) AS succeeded
                FROM contribution attempt LEFT JOIN contribution success
                  ON success.quarter = attempt.quarter AND success.dimension = attempt.dimension
                 AND success.key = $4 AND success.pseudonym = attempt.pseudonym
                WHERE attempt.quarter = $1 AND attempt.dimension = $3 AND attempt.key = $5
                  AND attempt.pseudonym IN (SELECT pseudonym FROM counting)"""
                .formatted(CountingRule.countingMachines("contribution")))
                .execute(Tuple.of(quarter.toString(), counting.minimumActiveDays(), Aggregates.KIND, START_END,
                        START_BEGIN))
                .map(rows -> rows.iterator().next().getLong("succeeded"));
    }

    /** The published reports of the quarters shown in the change-over-time section before this one, oldest first. */
    private Uni<List<JsonNode>> earlierQuarters(SqlClient client, Quarter quarter) {
        Quarter first = quarter;
        for (int i = 1; i < TREND_QUARTERS; i++) {
            first = first.previous();
        }
        return client.preparedQuery("""
                SELECT json FROM published_report WHERE quarter >= $1 AND quarter < $2 ORDER BY quarter""")
                .execute(Tuple.of(first.toString(), quarter.toString()))
                .map(rows -> {
                    List<JsonNode> reports = new ArrayList<>();
                    for (Row row : rows) {
                        reports.add(readTree(row.getString("json")));
                    }
                    return reports;
                });
    }

    private Report assemble(Quarter quarter, Map<String, Map<String, Count>> tables, List<String> top, Count other,
            long succeededStarts, List<JsonNode> earlier) {
        ReportTables published = ReportTables.of(k, catalog.kinds().keySet(), tables, top, other);
        return new Report(quarter.toString(), Report.PREVIEW, new Report.Period(quarter.start(), quarter.end()), null,
                new Report.Machines(published.active(), published.optedIn(), published.optedOut()),
                published.events(),
                startSuccessRate(published.byKind(), succeededStarts),
                published.byKind(),
                published.byOs(),
                published.builds(),
                published.errorsByCode(),
                Trend.of(quarter.toString(), published.active(), published.events(), published.byKind(), earlier),
                methodology());
    }

    /** Successful starts / start attempts (see {@link #successfulStarts}): never above 1. */
    static Rate startSuccessRate(List<Cell> byKind, long succeeded) {
        Cell begin = byKind.stream().filter(c -> c.key().equals(START_BEGIN)).findFirst().orElseThrow();
        Cell end = byKind.stream().filter(c -> c.key().equals(START_END)).findFirst().orElseThrow();
        if (begin.suppressed() || end.suppressed()) {
            return new Rate(null, true);
        }
        if (begin.events() == 0) {
            return new Rate(null, false);
        }
        return new Rate(Math.round(10000.0 * succeeded / begin.events()) / 10000.0, false);
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a published report is not JSON", e);
        }
    }

    private Report.Methodology methodology() {
        return new Report.Methodology(k,
                "Every figure counted from 1 to " + (k - 1) + " distinct machines is suppressed; in each table further "
                        + "cells, smallest first, are suppressed until at least two are, together they cover at "
                        + "least " + k + " machines, and their events exceed the least they could be (1 per cell, "
                        + k + " per build listed by name), so no suppressed value can be recovered from totals or "
                        + "other cells. If the error kind is suppressed, so is every error code. Rows are listed in "
                        + "a fixed order of their keys (\"other\" last), never by size.",
                "Only events captured while the machine had opted in are counted (same rule as the collector: "
                        + DurationWords.of(consentWindows.clockSkew()) + " of clock-skew tolerance, "
                        + DurationWords.of(consentWindows.optOutGrace())
                        + " to send earlier events after an opt-out). "
                        + "Machines that asked for erasure before publication are removed entirely.",
                "A machine counts in this quarter's usage figures (machines, events, every table, the start "
                        + "success rate) only if it was active on at least " + counting.minimumActiveDays()
                        + " distinct UTC days of the quarter and sent at least one event that reached us at "
                        + "least " + DurationWords.of(counting.minimumConsentAge()) + " after it opted in. This "
                        + "makes topping up a rare cell with fake machines slow. Opt-ins and opt-outs count every "
                        + "machine.",
                "Events are attributed to the UTC quarter of their timestamp. Once a quarter is published its report "
                        + "never changes; events for it that arrive later are not counted anywhere.",
                "Machines are counted by a keyed pseudonym of their anonymous ID; neither is ever published.",
                catalog.id(),
                "Start success rate = successful starts / start attempts (start_begin events). A machine's "
                        + "start_end events count as successful starts up to its own number of start_begin events "
                        + "in the quarter, so a start that began in another quarter or before the machine opted in "
                        + "is not counted as a success and the rate never exceeds 100 %. It is suppressed if "
                        + "start_begin or start_end is.",
                "Builds used by at least " + k + " machines are listed by name, the " + topBuilds
                        + " largest by machines; all other builds are counted together as \"other\" before any "
                        + "suppression. Only if \"other\" covers fewer than " + k + " machines is it suppressed, "
                        + "together with the smallest listed build.",
                "Change over time shows the published quarters of the last " + TREND_QUARTERS / 4 + " years up to "
                        + "this one, with each quarter's figures exactly as its own report published them: a "
                        + "suppressed figure stays suppressed. Top event kinds are this quarter's "
                        + Trend.TOP_KINDS + " most frequent kinds.");
    }
}
