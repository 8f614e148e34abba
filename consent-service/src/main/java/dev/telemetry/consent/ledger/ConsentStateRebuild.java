package dev.telemetry.consent.ledger;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Rebuilds {@code consent_state} from {@code consent_event} with the same {@link ConsentDecider#evolve} that
 * maintains it, so the projection can always be thrown away and recomputed. Reads the events a page at a time in
 * stream order (keyset paging over the primary key) and writes each page's finished machines with one statement,
 * so memory and stack depth do not grow with the number of events.
 */
@ApplicationScoped
public class ConsentStateRebuild {

    private static final int PAGE_SIZE = 5000;

    private static final String PAGE = """
            SELECT stream_id, version, event_id, event_type, schema_version, payload, recorded_at FROM consent_event
            WHERE (stream_id, version) > ($1, $2) ORDER BY stream_id, version LIMIT $3""";

    private static final String WRITE = """
            INSERT INTO consent_state (stream_id, version, status, since, pending_erasure)
            SELECT s.stream_id, s.version, s.status, s.since, NULLIF(s.pending_erasure, '')::uuid
            FROM unnest($1::text[], $2::bigint[], $3::text[], $4::timestamptz[], $5::text[])
                AS s(stream_id, version, status, since, pending_erasure)""";

    private final Pool pool;

    ConsentStateRebuild(Pool pool) {
        this.pool = pool;
    }

    /** @return the number of machines in the rebuilt projection */
    public Uni<Long> rebuild() {
        return pool.withTransaction(tx -> tx.query("LOCK TABLE consent_event IN SHARE MODE").execute() // appends wait
                .chain(() -> tx.query("LOCK TABLE consent_state IN EXCLUSIVE MODE").execute()) // reads go on
                .chain(() -> tx.query("DELETE FROM consent_state").execute())
                .chain(() -> {
                    Fold fold = new Fold();
                    return Multi.createBy().repeating().uni(() -> foldPage(tx, fold)).whilst(read -> read == PAGE_SIZE)
                            .collect().last()
                            .chain(() -> write(tx, fold.finish()))
                            .map(ignored -> fold.machines);
                }));
    }

    private static Uni<Integer> foldPage(SqlClient tx, Fold fold) {
        return tx.preparedQuery(PAGE).execute(Tuple.of(fold.lastStream, fold.lastVersion, PAGE_SIZE))
                .chain(rows -> write(tx, fold.apply(rows)).replaceWith(rows.size()));
    }

    private static Uni<Void> write(SqlClient tx, List<Machine> machines) {
        if (machines.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = machines.size();
        String[] streams = new String[n];
        Long[] versions = new Long[n];
        String[] statuses = new String[n];
        OffsetDateTime[] since = new OffsetDateTime[n];
        String[] pendingErasures = new String[n];
        for (int i = 0; i < n; i++) {
            Machine machine = machines.get(i);
            streams[i] = machine.stream();
            versions[i] = machine.state().version();
            statuses[i] = machine.state().status().name();
            since[i] = ConsentLedger.utc(machine.state().since());
            pendingErasures[i] = machine.state().pendingErasure() == null
                    ? ""
                    : machine.state().pendingErasure().toString();
        }
        return tx.preparedQuery(WRITE).execute(Tuple.of(streams, versions, statuses, since, pendingErasures))
                .replaceWithVoid();
    }

    private record Machine(String stream, ConsentState state) {
    }

    /** Folds consecutive rows of one stream; a machine is finished when the next stream begins. */
    private static final class Fold {
        private String lastStream = "";
        private long lastVersion;
        private ConsentState state = ConsentState.INITIAL;
        private long machines;

        /** @return the machines this page finished */
        List<Machine> apply(RowSet<Row> rows) {
            List<Machine> finished = new ArrayList<>();
            for (Row row : rows) {
                String stream = row.getString("stream_id");
                if (!stream.equals(lastStream)) {
                    finished.addAll(finish());
                    state = ConsentState.INITIAL;
                }
                state = ConsentDecider.evolve(state, EventCodec.decode(stored(row), null));
                lastStream = stream;
                lastVersion = row.getLong("version");
            }
            return finished;
        }

        /** The machine being folded, if any, is complete. */
        List<Machine> finish() {
            if (state.version() == 0) {
                return List.of();
            }
            machines++;
            Machine machine = new Machine(lastStream, state);
            state = ConsentState.INITIAL;
            return List.of(machine);
        }

        private static StoredEvent stored(Row row) {
            StoredEvent event = new StoredEvent();
            event.streamId = row.getString("stream_id");
            event.version = row.getLong("version");
            event.eventId = row.getUUID("event_id");
            event.eventType = row.getString("event_type");
            event.schemaVersion = row.getInteger("schema_version");
            event.payload = row.getString("payload");
            event.recordedAt = row.getOffsetDateTime("recorded_at").toInstant();
            return event;
        }
    }
}
