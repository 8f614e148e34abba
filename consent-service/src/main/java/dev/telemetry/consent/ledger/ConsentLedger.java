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

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

import dev.telemetry.consent.ledger.ConsentCommand.RecordChoice;
import dev.telemetry.consent.ledger.ConsentEvent.ErasureRequested;
import dev.telemetry.consent.outbox.OutboxRelayService;
import dev.telemetry.consent.proof.MachineAccess;
import dev.telemetry.consent.proof.MachineCredentials;
import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Pseudonyms;
import dev.telemetry.contract.Topics;

/**
 * Handles consent commands against a machine's stream: read the state, decide, then append with optimistic
 * concurrency. The append is one SQL statement, so one round trip and one transaction: the events, their outbox
 * messages, the new {@code consent_state} row and any erasure receipt are written together or not at all. A
 * concurrent append of the same version violates {@code PRIMARY KEY (stream_id, version)}; the command then runs
 * again on the new state.
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
     * $1 stream, $2 schema version, $3..$7 the events (version, id, type, payload, time), $8 topic, $9 their
     * integration messages, $10/$11 erasure receipts, $12..$15 the state after them, $16/$17 the verifier a first
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
                SELECT $1, $16, $17 WHERE $16::text IS NOT NULL
            ), receipts AS (
                INSERT INTO erasure_receipt (receipt, stream_id, requested_at)
                SELECT r.receipt, $1, r.requested_at
                FROM unnest($10::uuid[], $11::timestamptz[]) AS r(receipt, requested_at)
            )
            INSERT INTO consent_state (stream_id, version, status, since, pending_erasure)
            VALUES ($1, $12, $13, $14, $15)
            ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, status = EXCLUDED.status,
                since = EXCLUDED.since, pending_erasure = EXCLUDED.pending_erasure""";

    private final Pool pool;
    private final Pseudonyms pseudonyms;
    private final Clock clock;
    private final OutboxRelayService relay;

    ConsentLedger(Pool pool, Pseudonyms pseudonyms, Clock clock, OutboxRelayService relay) {
        this.pool = pool;
        this.pseudonyms = pseudonyms;
        this.clock = clock;
        this.relay = relay;
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
        String stream = pseudonyms.of(machine.anonymousId());
        return Uni.createFrom().deferred(() -> attempt(stream, machine.presentedVerifier(), command))
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

    /** The machine's events in order, if the credentials prove it; otherwise {@link MachineAccess#refusal()}. */
    public Uni<List<StoredEvent>> history(MachineCredentials machine) {
        String stream = pseudonyms.of(machine.anonymousId());
        return authorized(stream, machine).chain(proven -> Panache
                .withSession(() -> StoredEvent.<StoredEvent>list("streamId = ?1 order by version", stream)));
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

    private Uni<Outcome> attempt(String stream, String presentedVerifier, Function<Instant, ConsentCommand> command) {
        return stored(stream).chain(stored -> {
            ConsentCommand decision = command.apply(now());
            // Only a first consent decision claims a machine; a first erasure request has nothing to erase.
            MachineAccess access = access(decision instanceof RecordChoice, stored, presentedVerifier);
            if (access == MachineAccess.REFUSED) {
                return Uni.createFrom().failure(MachineAccess.refusal());
            }
            ConsentState state = stored.state();
            List<ConsentEvent> events = ConsentDecider.decide(decision, state);
            if (events.isEmpty()) {
                return Uni.createFrom().item(new Outcome(state, events));
            }
            ConsentState next = ConsentDecider.fold(state, events);
            Claim claim = access == MachineAccess.CLAIM ? new Claim(presentedVerifier, decision.at()) : null;
            String verifier = claim != null ? presentedVerifier : stored.verifier();
            return pool.preparedQuery(APPEND).execute(append(stream, state.version(), events, next, verifier, claim))
                    .onFailure(ConsentLedger::lostTheRace)
                    .transform(lost -> new ConcurrentAppend(stream, state.version() + 1))
                    .replaceWith(new Outcome(next, events));
        });
    }

    /** The verifier a machine's first decision registers. */
    private record Claim(String verifier, Instant at) {
    }

    private static Tuple append(String stream, long expectedVersion, List<ConsentEvent> events, ConsentState next,
            String verifier, Claim claim) {
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
            payloads[i] = EventCodec.encode(event);
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
                .addValue(claim == null ? null : claim.verifier())
                .addValue(claim == null ? null : utc(claim.at()));
    }

    private static boolean lostTheRace(Throwable failure) {
        // Two first decisions of one machine: one of the two keys is taken first, either way the retry sees the
        // winner's verifier.
        return failure instanceof PgException pg && "23505".equals(pg.getSqlState())
                && ("consent_event_pkey".equals(pg.getConstraint())
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
