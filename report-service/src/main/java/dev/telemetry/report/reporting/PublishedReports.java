package dev.telemetry.report.reporting;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response.Status;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.telemetry.edge.Problem;
import dev.telemetry.edge.ProblemException;
import dev.telemetry.report.projection.Aggregates;
import dev.telemetry.report.quarter.Quarter;

/**
 * Publication: freezes a quarter's report as exact bytes (JSON, CSV, HTML), records a {@code report.published}
 * event, and forgets the per-machine contributions the quarter no longer needs.
 */
@ApplicationScoped
public class PublishedReports {

    private final Pool pool;
    private final ReportBuilder builder;
    private final ReportRenderer renderer;
    private final Clock clock;

    PublishedReports(Pool pool, ReportBuilder builder, ReportRenderer renderer, Clock clock) {
        this.pool = pool;
        this.builder = builder;
        this.renderer = renderer;
        this.clock = clock;
    }

    /** The stored forms of a published report. */
    public record Stored(String quarter, Instant publishedAt, String json, String csv, String html) {
    }

    @RegisterForReflection
    public record Listed(String quarter, Instant publishedAt, String url) {
    }

    public Uni<Optional<Stored>> find(Quarter quarter) {
        return pool
                .preparedQuery("SELECT quarter, published_at, json, csv, html FROM published_report WHERE quarter = $1")
                .execute(Tuple.of(quarter.toString()))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(stored(rows.iterator().next())));
    }

    /** Newest first. */
    public Uni<List<Listed>> list() {
        return pool.query("SELECT quarter, published_at FROM published_report ORDER BY quarter DESC").execute()
                .map(rows -> {
                    List<Listed> listed = new ArrayList<>();
                    for (Row row : rows) {
                        listed.add(
                                new Listed(row.getString("quarter"), row.getOffsetDateTime("published_at").toInstant(),
                                        "/v1/reports/" + row.getString("quarter")));
                    }
                    return listed;
                });
    }

    public Uni<Report> preview(Quarter quarter) {
        return builder.build(pool, quarter);
    }

    /** Publishes an ended quarter; publishing again returns the stored report unchanged. */
    public Uni<Stored> publish(Quarter quarter) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        if (!quarter.hasEndedAt(now)) {
            return Uni.createFrom().failure(new ProblemException(Problem.of(Status.CONFLICT, "quarter-not-ended",
                    "Quarter not ended", quarter + " ends at " + quarter.end() + "; it can be published after that.")));
        }
        return pool.withTransaction(tx -> Aggregates.lock(tx)
                .chain(() -> tx.preparedQuery("SELECT quarter, published_at, json, csv, html FROM published_report "
                        + "WHERE quarter = $1").execute(Tuple.of(quarter.toString())))
                .chain(rows -> {
                    if (rows.size() > 0) {
                        return Uni.createFrom().item(stored(rows.iterator().next()));
                    }
                    return builder.build(tx, quarter).chain(preview -> {
                        Report report = preview.published(now);
                        Stored stored = new Stored(quarter.toString(), now, renderer.json(report), renderer.csv(report),
                                renderer.html(report));
                        return tx.preparedQuery("INSERT INTO published_report (quarter, published_at, json, csv, html) "
                                + "VALUES ($1, $2, $3, $4, $5)")
                                .execute(Tuple.of(quarter.toString(), now.atOffset(java.time.ZoneOffset.UTC),
                                        stored.json(),
                                        stored.csv(), stored.html()))
                                .chain(() -> tx.preparedQuery("INSERT INTO report_event (event_type, schema_version, "
                                        + "quarter, payload, recorded_at) VALUES ('report.published', 1, $1, $2, $3)")
                                        .execute(Tuple.of(quarter.toString(), "{\"quarter\":\"" + quarter
                                                + "\",\"publishedAt\":\"" + now + "\"}",
                                                now.atOffset(java.time.ZoneOffset.UTC))))
                                .chain(() -> tx.preparedQuery("DELETE FROM contribution WHERE quarter = $1")
                                        .execute(Tuple.of(quarter.toString())))
                                .chain(() -> tx.preparedQuery("DELETE FROM counted_event WHERE quarter = $1")
                                        .execute(Tuple.of(quarter.toString())))
                                .replaceWith(stored);
                    });
                }));
    }

    private static Stored stored(Row row) {
        return new Stored(row.getString("quarter"), row.getOffsetDateTime("published_at").toInstant(),
                row.getString("json"), row.getString("csv"), row.getString("html"));
    }
}
