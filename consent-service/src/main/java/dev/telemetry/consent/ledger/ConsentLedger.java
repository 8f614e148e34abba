package dev.telemetry.consent.ledger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response.Status;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

import dev.telemetry.consent.ledger.ConsentEvent.ErasureRequested;
import dev.telemetry.consent.outbox.OutboxRelayService;
import dev.telemetry.consent.proof.MachineAccess;
import dev.telemetry.consent.proof.MachineCredentials;
import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Pseudonyms;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.consent.ErasureRequestedMessage;
import dev.telemetry.edge.Problem;
import dev.telemetry.edge.ProblemException;

/**
 * Handles consent commands against a machine's stream: read the state, decide, then append with optimistic
 * concurrency. The append is one SQL statement, so one round trip and one transaction: the events, their outbox
 * messages, the new {@code consent_state} row, any erasure receipt and the machine's key (made with its first opt-in
 * or opt-out, deleted by an erasure request) are written together or not at all. A concurrent append of the same
 * version violates {@code PRIMARY KEY (stream_id, version)}; the command then runs again on the new state.
 *
 * <p>
 * A machine may change its consent at most {@code maxChangesPerDay} times in any 24 hours; beyond that an opt-in or
 * opt-out that would change something is refused with 429 and the time until the oldest of those changes is a day
 * old. Erasure requests are never refused. The same read that loads the state counts the changes, so the cap costs no
 * round trip.
 */
@ApplicationScoped
public class ConsentLedger {

    private static final int MAX_ATTEMPTS = 200;

    /** The machine's state and proof verifier; one row, with nulls for what it does not have. */
    private static final String READ_STATE = """
            SELECT s.version, s.status, s.since, s.pending_erasure, p.verifier
            FROM (SELECT $1::text AS stream_id) AS m
            LEFT JOIN consent_state s USING (stream_id) LEFT JOIN machine_proof p USING (stream_id)""";

    /**
     * $1 stream, $2 the change cap, $3 a day ago: the state, the machine's verifier and key, and how many of its last $2 events
     * were recorded in the last day (the oldest of them too). Walks at most $2 events of the stream.
     */
    private static final String READ_FOR_COMMAND = """
            SELECT s.version, s.status, s.since, s.pending_erasure, p.verifier, k.key, recent.changes, recent.oldest
            FROM (SELECT $1::text AS stream_id) m
            LEFT JOIN consent_state s USING (stream_id)
            LEFT JOIN machine_proof p USING (stream_id)
            LEFT JOIN machine_key k USING (stream_id)
            CROSS JOIN LATERAL (
                SELECT count(*) AS changes, min(e.recorded_at) AS oldest
                FROM (SELECT recorded_at FROM consent_event WHERE stream_id = $1 ORDER BY version DESC LIMIT $2) e
                WHERE e.recorded_at > $3
            ) recent""";

    private static final String READ_KEY = "SELECT key FROM machine_key WHERE stream_id = $1";

    /**
     * $1 stream, $2 schema version, $3..$7 the events (version, id, type, payload, time), $8 topic, $9 their
     * integration messages, $10/$11 erasure receipts, $12..$15 the state after them, $16 the machine's new key (null
     * if it has one), $17 whether the events erase the machine: its key is deleted, and the personal fields of its
     * events stored in clear before crypto-shredding (schema version 1) are redacted; $18/$19 the verifier a first
     * decision registers (null otherwise) and when.
     */
    private static final String APPEND = """
            WITH appended AS (
                INSERT INTO consent_event (stream_id, version, event_id, event_type, schema_version, payload, recorded_at)
                SELECT $1, e.version, e.event_id, e.event_type, $2, e.payload, e.recorded_at
                FROM unnest($3::bigint[], $4::uuid[], $5::text[], $6::text[], $7::timestamptz[])
                    AS e(version, event_id, event_type, payload, recorded_at)
            ), queued AS (
                INSERT INTO outbox (event_id, topic, message_key, payload)
                SELECT m.event_id, $8, $1, m.payload
                FROM unnest($4::uuid[], $9::text[]) WITH ORDINALITY AS m(event_id, payload, n)
                ORDER BY m.n
            ), claimed AS (
                INSERT INTO machine_proof (stream_id, verifier, registered_at)
                SELECT $1, $18, $19 WHERE $18::text IS NOT NULL
            ), receipts AS (
                INSERT INTO erasure_receipt (receipt, stream_id, requested_at)
                SELECT r.receipt, $1, r.requested_at
                FROM unnest($10::uuid[], $11::timestamptz[]) AS r(receipt, requested_at)
            ), keyed AS (
                INSERT INTO machine_key (stream_id, key) SELECT $1, $16::bytea WHERE $16::bytea IS NOT NULL
            ), shredded AS (
                DELETE FROM machine_key WHERE stream_id = $1 AND $17::boolean
            ), redacted AS (
                UPDATE consent_event SET payload = '{}'
                WHERE stream_id = $1 AND $17::boolean AND schema_version = 1 AND event_type <> 'erasure.requested'
            )
            INSERT INTO consent_state (stream_id, version, status, since, pending_erasure)
            VALUES ($1, $12, $13, $14, $15)
            ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, status = EXCLUDED.status,
                since = EXCLUDED.since, pending_erasure = EXCLUDED.pending_erasure""";

    private static final Duration DAY = Duration.ofDays(1);

    private final Pool pool;
    private final Pseudonyms pseudonyms;
    private final Clock clock;
    private final OutboxRelayService relay;
    private final int maxChangesPerDay;

    ConsentLedger(Pool pool, Pseudonyms pseudonyms, Clock clock, OutboxRelayService relay,
            @ConfigProperty(name = "ledger.max-changes-per-day") int maxChangesPerDay) {
        if (maxChangesPerDay < 1) {
            throw new IllegalArgumentException("ledger.max-changes-per-day must be at least 1");
        }
        this.pool = pool;
        this.pseudonyms = pseudonyms;
        this.clock = clock;
        this.relay = relay;
        this.maxChangesPerDay = maxChangesPerDay;
    }

    /** The state after the command, and the events it recorded (none if it changed nothing). */
    public record Outcome(ConsentState state, List<ConsentEvent> recorded) {
    }

    /** A machine's state and the verifier of its proof (null for a machine without one). */
    private record Stored(ConsentState state, String verifier) {
    }

    /**
     * Completes only once the recorded events are durable (the append's commit); fails with
     * {@link MachineAccess#refusal()} if the credentials do not prove the machine, having changed nothing.
     */
    public Uni<Outcome> handle(MachineCredentials machine, Function<Instant, ConsentCommand> command) {
        return handle(machine, () -> {
        }, command);
    }

    /**
     * As {@link #handle(MachineCredentials, Function)}; {@code beforeRegistering} runs when the command would record
     * a machine never seen before, and may refuse it by throwing: nothing is written then.
     */
    public Uni<Outcome> handle(MachineCredentials machine, Runnable beforeRegistering,
            Function<Instant, ConsentCommand> command) {
        String stream = pseudonyms.of(machine.anonymousId());
        return Uni.createFrom().deferred(() -> attempt(stream, machine.presentedVerifier(), beforeRegistering, command))
                .onFailure(ConcurrentAppend.class).retry()
                .withBackOff(Duration.ofMillis(2), Duration.ofMillis(50)).withJitter(0.5)
                .atMost(MAX_ATTEMPTS)
                .invoke(outcome -> {
                    if (!outcome.recorded().isEmpty()) {
                        relay.wake();
                    }
                });
    }

    /** The machine's state, if the credentials prove it; otherwise {@link MachineAccess#refusal()}. */
    public Uni<ConsentState> current(MachineCredentials machine) {
        return authorized(pseudonyms.of(machine.anonymousId()), machine).map(Stored::state);
    }

    /** One event of a machine's history as it can still be read. */
    public record Recorded(long version, String type, Instant at, ConsentEvent event) {
    }

    /**
     * The machine's events from its last erasure request on (all of them if it never asked for one): an erasure
     * leaves only itself, the tombstone "erased at T", and what was recorded after it. Only for credentials that
     * prove the machine; otherwise {@link MachineAccess#refusal()}.
     */
    public Uni<List<Recorded>> history(MachineCredentials machine) {
        String stream = pseudonyms.of(machine.anonymousId());
        return authorized(stream, machine).chain(proven -> pool.preparedQuery(READ_KEY).execute(Tuple.of(stream)))
                .map(rows -> rows.size() == 0 ? null : key(rows.iterator().next()))
                .chain(key -> Panache.withSession(() -> StoredEvent.<StoredEvent>list(
                        "streamId = ?1 order by version", stream))
                        .map(rows -> sinceLastErasure(rows, key)));
    }

    private static List<Recorded> sinceLastErasure(List<StoredEvent> rows, MachineKey key) {
        int from = 0;
        for (int i = 0; i < rows.size(); i++) {
            if (ErasureRequestedMessage.TYPE.equals(rows.get(i).eventType)) {
                from = i;
            }
        }
        return rows.subList(from, rows.size()).stream()
                .map(row -> new Recorded(row.version, row.eventType, row.recordedAt, EventCodec.decode(row, key)))
                .toList();
    }

    private static MachineKey key(Row row) {
        io.vertx.mutiny.core.buffer.Buffer key = row.getBuffer("key");
        return key == null ? null : MachineKey.of(key.getBytes());
    }

    private Uni<Stored> authorized(String stream, MachineCredentials machine) {
        return stored(stream).map(stored -> {
            if (access(false, stored, machine.presentedVerifier()) != MachineAccess.ALLOWED) {
                throw MachineAccess.refusal();
            }
            return stored;
        });
    }

    private static MachineAccess access(boolean mayClaim, Stored stored, String presentedVerifier) {
        return MachineAccess.decide(mayClaim, stored.state().version() > 0, stored.verifier(), presentedVerifier);
    }

    private Uni<Stored> stored(String stream) {
        return pool.preparedQuery(READ_STATE).execute(Tuple.of(stream)).map(rows -> {
            Row row = rows.iterator().next();
            ConsentState state = row.getValue("version") == null ? ConsentState.INITIAL : state(row);
            return new Stored(state, row.getString("verifier"));
        });
    }

    private Uni<Outcome> attempt(String stream, String presentedVerifier, Runnable beforeRegistering,
            Function<Instant, ConsentCommand> command) {
        Instant now = now();
        return pool.preparedQuery(READ_FOR_COMMAND)
                .execute(Tuple.of(stream, maxChangesPerDay, utc(now.minus(DAY))))
                .map(rows -> rows.iterator().next())
                .chain(row -> decideAndAppend(stream, presentedVerifier, beforeRegistering, command.apply(now), row,
                        now));
    }

    private Uni<Outcome> decideAndAppend(String stream, String presentedVerifier, Runnable beforeRegistering,
            ConsentCommand command, Row row, Instant now) {
        ConsentState state = row.getLong("version") == null ? ConsentState.INITIAL : state(row);
        Stored stored = new Stored(state, row.getString("verifier"));
        boolean choice = command.match(recordChoice -> true, requestErasure -> false);
        // Only a first consent decision claims a machine; a first erasure request has nothing to erase. Checked
        // before anything else, so that no other answer tells whether the machine exists.
        MachineAccess access = access(choice, stored, presentedVerifier);
        if (access == MachineAccess.REFUSED) {
            throw MachineAccess.refusal();
        }
        List<ConsentEvent> events = ConsentDecider.decide(command, state);
        if (events.isEmpty()) {
            return Uni.createFrom().item(new Outcome(state, events));
        }
        if (state.version() == 0) {
            beforeRegistering.run();
        }
        if (choice && row.getLong("changes") >= maxChangesPerDay) {
            Instant allowedAgain = row.getOffsetDateTime("oldest").toInstant().plus(DAY);
            throw tooManyChanges(Math.max(1, Duration.between(now, allowedAgain).toSeconds() + 1));
        }
        MachineKey existing = key(row);
        MachineKey newKey = existing == null && choice ? MachineKey.generate() : null;
        ConsentState next = ConsentDecider.fold(state, events);
        Claim claim = access == MachineAccess.CLAIM ? new Claim(presentedVerifier, now) : null;
        String verifier = claim != null ? presentedVerifier : stored.verifier();
        return pool.preparedQuery(APPEND)
                .execute(append(stream, state.version(), events, next, existing != null ? existing : newKey, newKey,
                        verifier, claim))
                .onFailure(ConsentLedger::lostTheRace)
                .transform(lost -> new ConcurrentAppend(stream, state.version() + 1))
                .replaceWith(new Outcome(next, events));
    }

    private ProblemException tooManyChanges(long retryAfterSeconds) {
        return new ProblemException(Problem.of(Status.TOO_MANY_REQUESTS, "too-many-consent-changes",
                "Too many consent changes", "This machine changed its consent " + maxChangesPerDay
                        + " times in the last 24 hours; try again after Retry-After seconds."),
                retryAfterSeconds);
    }

    /** The verifier a machine's first decision registers. */
    private record Claim(String verifier, Instant at) {
    }

    /**
     * @param key the machine's key, to seal the events' personal fields
     * @param newKey the same key if it is new (stored with the events), else null
     * @param verifier the machine's proof verifier, carried by its consent messages
     * @param claim the verifier to register, if this is the machine's first decision
     */
    private static Tuple append(String stream, long expectedVersion, List<ConsentEvent> events, ConsentState next,
            MachineKey key, MachineKey newKey, String verifier, Claim claim) {
        int n = events.size();
        Long[] versions = new Long[n];
        UUID[] ids = new UUID[n];
        String[] types = new String[n];
        String[] payloads = new String[n];
        OffsetDateTime[] times = new OffsetDateTime[n];
        String[] messages = new String[n];
        List<UUID> receipts = new ArrayList<>();
        List<OffsetDateTime> requested = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ConsentEvent event = events.get(i);
            versions[i] = expectedVersion + 1 + i;
            ids[i] = UUID.randomUUID();
            types[i] = event.type();
            payloads[i] = EventCodec.encode(event, ids[i], key);
            times[i] = utc(event.at());
            messages[i] = IntegrationJson.write(EventCodec.toMessage(ids[i], stream, versions[i], event, verifier));
            if (event instanceof ErasureRequested erasure) {
                receipts.add(erasure.receipt());
                requested.add(utc(erasure.at()));
            }
        }
        return Tuple.tuple(List.of(stream, EventCodec.SCHEMA_VERSION, versions, ids, types, payloads, times,
                Topics.CONSENT, messages, receipts.toArray(UUID[]::new), requested.toArray(OffsetDateTime[]::new),
                next.version(), next.status().name(), utc(next.since())))
                .addValue(next.pendingErasure())
                .addValue(newKey == null ? null : io.vertx.core.buffer.Buffer.buffer(newKey.bytes()))
                .addValue(!receipts.isEmpty())
                .addValue(claim == null ? null : claim.verifier())
                .addValue(claim == null ? null : utc(claim.at()));
    }

    /** Another writer appended this version first, or made the machine's first key first. */
    private static boolean lostTheRace(Throwable failure) {
        // Two first decisions of one machine: one of the two keys is taken first, either way the retry sees the
        // winner's verifier.
        return failure instanceof PgException pg && "23505".equals(pg.getSqlState())
                && ("consent_event_pkey".equals(pg.getConstraint()) || "machine_key_pkey".equals(pg.getConstraint())
                        || "machine_proof_pkey".equals(pg.getConstraint()));
    }

    static ConsentState state(Row row) {
        return new ConsentState(row.getLong("version"), ConsentState.Status.valueOf(row.getString("status")),
                row.getOffsetDateTime("since").toInstant(), row.getUUID("pending_erasure"));
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private Instant now() {
        // PostgreSQL keeps microseconds; truncating here makes stored, returned and published times identical.
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** Another writer appended to the stream first; the command is retried on the new state. */
    static final class ConcurrentAppend extends RuntimeException {
        ConcurrentAppend(String stream, long version) {
            super("version " + version + " of a consent stream was appended concurrently", null, false, false);
        }
    }
}
