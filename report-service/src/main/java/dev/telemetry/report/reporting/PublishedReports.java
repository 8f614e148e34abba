package dev.telemetry.report.reporting;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response.Status;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
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
        return find(pool, quarter);
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
        // Under the aggregates lock no consumer changes the quarter between building the report and forgetting it.
        return pool.withTransaction(tx -> Aggregates.lockExclusive(tx)
                .chain(() -> find(tx, quarter))
                .chain(published -> published.isPresent()
                        ? Uni.createFrom().item(published.get())
                        : freeze(tx, quarter, now)));
    }

    /** Builds the report, stores its exact bytes, records the publication and forgets the contributions. */
    private Uni<Stored> freeze(SqlClient tx, Quarter quarter, Instant now) {
        return builder.build(tx, quarter)
                .map(preview -> render(quarter, preview.published(now), now))
                .call(stored -> store(tx, stored))
                .call(() -> recordPublished(tx, quarter, now))
                .call(() -> forgetContributions(tx, quarter));
    }

    private Stored render(Quarter quarter, Report report, Instant publishedAt) {
        return new Stored(quarter.toString(), publishedAt, renderer.json(report), renderer.csv(report),
                renderer.html(report));
    }

    private static Uni<Void> store(SqlClient tx, Stored stored) {
        return tx.preparedQuery("INSERT INTO published_report (quarter, published_at, json, csv, html) "
                + "VALUES ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(stored.quarter(), stored.publishedAt().atOffset(ZoneOffset.UTC), stored.json(),
                        stored.csv(), stored.html()))
                .replaceWithVoid();
    }

    private static Uni<Void> recordPublished(SqlClient tx, Quarter quarter, Instant publishedAt) {
        String payload = new JsonObject().put("quarter", quarter.toString())
                .put("publishedAt", publishedAt.toString()).encode();
        return tx.preparedQuery("INSERT INTO report_event (event_type, schema_version, quarter, payload, recorded_at) "
                + "VALUES ('report.published', 1, $1, $2, $3)")
                .execute(Tuple.of(quarter.toString(), payload, publishedAt.atOffset(ZoneOffset.UTC)))
                .replaceWithVoid();
    }

    /** A published quarter never changes again, so its per-machine contributions are no longer needed. */
    private static Uni<Void> forgetContributions(SqlClient tx, Quarter quarter) {
        return tx.preparedQuery("DELETE FROM contribution WHERE quarter = $1").execute(Tuple.of(quarter.toString()))
                .chain(() -> tx.preparedQuery("DELETE FROM counted_event WHERE quarter = $1")
                        .execute(Tuple.of(quarter.toString())))
                .replaceWithVoid();
    }

    private static Uni<Optional<Stored>> find(SqlClient client, Quarter quarter) {
        return client
                .preparedQuery("SELECT quarter, published_at, json, csv, html FROM published_report WHERE quarter = $1")
                .execute(Tuple.of(quarter.toString()))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(stored(rows.iterator().next())));
    }

    private static Stored stored(Row row) {
        return new Stored(row.getString("quarter"), row.getOffsetDateTime("published_at").toInstant(),
                row.getString("json"), row.getString("csv"), row.getString("html"));
    }
}
