package dev.telemetry.report.projection;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.telemetry.contract.usage.UsageEvent;
import dev.telemetry.report.quarter.Quarter;

/**
 * Writes to the quarterly aggregates: per-machine contributions and the rollups made from them, kept exactly in step
 * (a new contribution row adds one machine to its cell; erasing a machine subtracts exactly what it added).
 */
@ApplicationScoped
public class Aggregates {

    /** Serialises writers (live consumers, rebuild, publication) on the aggregates. */
    static final long LOCK = 0x7265706f7274L;

    public static final String TOTAL = "total";
    public static final String KIND = "kind";
    public static final String OS = "os";
    public static final String BUILD = "build";
    public static final String ERROR_CODE = "error_code";
    public static final String CONSENT = "consent";
    public static final String OPTED_IN = "opted_in";
    public static final String OPTED_OUT = "opted_out";

    public static Uni<Void> lock(SqlClient tx) {
        return tx.query("SELECT pg_advisory_xact_lock(" + LOCK + ")").execute().replaceWithVoid();
    }

    public Uni<Boolean> isPublished(SqlClient tx, Quarter quarter) {
        return tx.preparedQuery("SELECT 1 FROM published_report WHERE quarter = $1")
                .execute(Tuple.of(quarter.toString()))
                .map(rows -> rows.size() > 0);
    }

    /** Counts a usage event once; false if it was counted before. */
    public Uni<Boolean> count(SqlClient tx, UsageEvent event) {
        Quarter quarter = Quarter.of(event.occurredAt());
        return tx.preparedQuery("""
                INSERT INTO counted_event (pseudonym, event_id, quarter) VALUES ($1, $2, $3)
                ON CONFLICT DO NOTHING""")
                .execute(Tuple.of(event.pseudonym(), event.eventId(), quarter.toString()))
                .chain(inserted -> inserted.rowCount() == 0
                        ? Uni.createFrom().item(false)
                        : add(tx, quarter, event.pseudonym(), cells(event)).replaceWith(true));
    }

    /** Adds one event of this machine to each cell. */
    public Uni<Void> add(SqlClient tx, Quarter quarter, String pseudonym, List<String[]> cells) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String[] cell : cells) {
            chain = chain.chain(() -> tx.preparedQuery("""
                    INSERT INTO contribution (quarter, dimension, key, pseudonym, events) VALUES ($1, $2, $3, $4, 1)
                    ON CONFLICT (quarter, dimension, key, pseudonym) DO UPDATE SET events = contribution.events + 1
                    RETURNING (xmax = 0) AS new_machine""")
                    .execute(Tuple.of(quarter.toString(), cell[0], cell[1], pseudonym))
                    .chain(rows -> tx.preparedQuery("""
                            INSERT INTO rollup (quarter, dimension, key, events, machines) VALUES ($1, $2, $3, 1, $4)
                            ON CONFLICT (quarter, dimension, key)
                            DO UPDATE SET events = rollup.events + 1, machines = rollup.machines + $4""")
                            .execute(Tuple.of(quarter.toString(), cell[0], cell[1],
                                    rows.iterator().next().getBoolean("new_machine") ? 1 : 0)))
                    .replaceWithVoid());
        }
        return chain;
    }

    /** Removes every contribution of this machine from every unpublished quarter. */
    public Uni<Void> erase(SqlClient tx, String pseudonym) {
        return tx.preparedQuery("""
                UPDATE rollup r SET events = r.events - c.events, machines = r.machines - 1
                FROM contribution c
                WHERE c.pseudonym = $1 AND r.quarter = c.quarter AND r.dimension = c.dimension AND r.key = c.key""")
                .execute(Tuple.of(pseudonym))
                .chain(() -> tx.preparedQuery("DELETE FROM contribution WHERE pseudonym = $1")
                        .execute(Tuple.of(pseudonym)))
                .chain(() -> tx.preparedQuery("DELETE FROM counted_event WHERE pseudonym = $1")
                        .execute(Tuple.of(pseudonym)))
                .chain(() -> tx.query("DELETE FROM rollup WHERE machines = 0 AND events = 0").execute())
                .replaceWithVoid();
    }

    /** Forgets everything of the unpublished quarters (before a rebuild). */
    public Uni<Void> clearUnpublished(SqlClient tx) {
        String unpublished = "quarter NOT IN (SELECT quarter FROM published_report)";
        return tx.query("DELETE FROM contribution WHERE " + unpublished).execute()
                .chain(() -> tx.query("DELETE FROM rollup WHERE " + unpublished).execute())
                .chain(() -> tx.query("DELETE FROM counted_event WHERE " + unpublished).execute())
                .replaceWithVoid();
    }

    static List<String[]> cells(UsageEvent event) {
        List<String[]> cells = new ArrayList<>(List.of(new String[]{TOTAL, "events"},
                new String[]{KIND, event.event()}, new String[]{OS, event.os()},
                new String[]{BUILD, event.build()}));
        Object code = event.data() == null ? null : event.data().get("code");
        if ("error".equals(event.event()) && code != null) {
            cells.add(new String[]{ERROR_CODE, code.toString()});
        }
        return cells;
    }

}
