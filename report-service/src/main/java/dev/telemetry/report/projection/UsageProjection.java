package dev.telemetry.report.projection;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

import dev.telemetry.consentview.ConsentFreshness;
import dev.telemetry.consentview.ConsentRule;
import dev.telemetry.consentview.ConsentTimeline;
import dev.telemetry.consentview.ConsentView;
import dev.telemetry.contract.usage.UsageEvent;
import dev.telemetry.deadletters.DeadLetters;
import dev.telemetry.report.projection.UsageRecord.Countable;
import dev.telemetry.report.projection.UsageRecord.EventKey;

/**
 * Counts usage events into the quarterly aggregates, one transaction of a few set-based statements per consumed batch
 * (see {@link #count}). Each event is judged again
 * by the consent rule (defence in depth: the collector may not have seen an opt-out yet); events outside consent,
 * events of published quarters and unreadable messages are dropped and counted in
 * {@code report_events_dropped_total{reason}}, never in a report; unreadable messages are first parked on the
 * dead-letter topic ({@link DeadLetters}).
 */
@ApplicationScoped
public class UsageProjection {

    private static final Logger LOG = Logger.getLogger(UsageProjection.class);

    private final Pool pool;
    private final Aggregates aggregates;
    private final ConsentView consent;
    private final ConsentFreshness freshness;
    private final ConsentRule rule;
    private final Duration skew;
    private final MeterRegistry metrics;
    private final CountingRule counting;
    private final DeadLetters deadLetters;

    UsageProjection(Pool pool, Aggregates aggregates, ConsentView consent, ConsentFreshness freshness, ConsentRule rule,
            @ConfigProperty(name = "report.consent.clock-skew") Duration skew, MeterRegistry metrics,
            CountingRule counting, DeadLetters deadLetters) {
        this.counting = counting;
        this.deadLetters = deadLetters;
        this.pool = pool;
        this.aggregates = aggregates;
        this.consent = consent;
        this.freshness = freshness;
        this.rule = rule;
        this.skew = skew;
        this.metrics = metrics;
    }

    /** What counting a batch did. */
    record Tally(long read, long counted, Map<String, Long> dropped) {
    }

    @Incoming("usage-in")
    public Uni<Void> consume(ConsumerRecords<String, UsageRecord> records) {
        List<Countable> events = new ArrayList<>(records.count());
        List<DeadLetters.Poison> poison = new ArrayList<>();
        for (ConsumerRecord<String, UsageRecord> record : records) {
            if (record.value() instanceof Countable event) {
                events.add(event);
            } else if (record.value() instanceof UsageRecord.Unreadable unreadable) {
                poison.add(new DeadLetters.Poison(new ConsumerRecord<>(record.topic(), record.partition(),
                        record.offset(), record.key(), unreadable.value()), unreadable.reason()));
            }
        }
        // Parked (acknowledged) before the batch can complete and its offset be committed.
        Uni<Void> parked = poison.isEmpty()
                ? Uni.createFrom().voidItem()
                : deadLetters.park(poison).invoke(() -> dropped("unreadable", poison.size()));
        if (events.isEmpty()) {
            return parked;
        }
        return parked.chain(() -> awaitConsentUpTo(neededConsent(events, skew)))
                .chain(() -> pool.withTransaction(tx -> count(tx, Aggregates.Tables.LIVE, events,
                        freshness.consumedUpTo())))
                // A failed transaction changed nothing, and counting is idempotent: try the same batch again.
                .onFailure().invoke(e -> LOG.warnf("counting a batch of %d events failed, retrying: %s",
                        events.size(), e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(10)).indefinitely()
                // Metrics only once the batch is durable.
                .invoke(tally -> tally.dropped().forEach(this::dropped))
                .replaceWithVoid();
    }

    /**
     * Counts a batch of events under the consent rule, in the caller's transaction: under the aggregate lock (shared
     * with other counting batches), one query for the published quarters and one for the batch's consent timelines,
     * judgement in memory, then one statement marking the accepted events counted (the dedupe) and one adding the new
     * ones' contributions and rollups. Redelivered events are found in {@code counted_event} and add nothing.
     *
     * @param consumedUpTo up to when the consent view is complete ({@link Instant#MAX} in a rebuild)
     */
    Uni<Tally> count(SqlClient tx, Aggregates.Tables tables, List<Countable> events, Instant consumedUpTo) {
        Set<String> machines = new HashSet<>();
        events.forEach(event -> machines.add(event.event().pseudonym()));
        return Aggregates.lockShared(tx)
                .chain(() -> aggregates.published(tx))
                .chain(published -> consent.timelines(tx, machines)
                        .map(timelines -> judge(events, published, timelines, consumedUpTo)))
                .chain(judged -> aggregates.markCounted(tx, tables, judged.accepted())
                        .chain(fresh -> {
                            Contributions contributions = new Contributions();
                            for (int i = fresh.nextSetBit(0); i >= 0; i = fresh.nextSetBit(i + 1)) {
                                contributions.add(judged.accepted().get(i), judged.settled().get(i));
                            }
                            long counted = fresh.cardinality();
                            return aggregates.add(tx, tables, contributions.all())
                                    .replaceWith(new Tally(events.size(), counted, judged.dropped()));
                        }));
    }

    /**
     * The accepted events (a duplicate within the batch once), which of them are {@link CountingRule#settled settled}
     * (by position), and drops by reason.
     */
    private record Judged(List<Countable> accepted, BitSet settled, Map<String, Long> dropped) {
    }

    private Judged judge(List<Countable> events, Set<String> published, Map<String, ConsentTimeline> timelines,
            Instant consumedUpTo) {
        List<Countable> accepted = new ArrayList<>(events.size());
        Map<EventKey, Integer> positions = new HashMap<>();
        BitSet settled = new BitSet(events.size());
        Map<String, Long> dropped = new TreeMap<>();
        for (Countable countable : events) {
            if (published.contains(countable.quarter())) {
                dropped.merge("quarter_published", 1L, Long::sum);
                continue;
            }
            UsageEvent event = countable.event();
            ConsentTimeline timeline = timelines.getOrDefault(event.pseudonym(), ConsentTimeline.NONE);
            ConsentRule.Verdict verdict = rule.judge(timeline, event.occurredAt(), event.receivedAt(), consumedUpTo);
            if (verdict.outcome() == ConsentRule.Outcome.ACCEPT) {
                Integer position = positions.putIfAbsent(countable.key(), accepted.size());
                if (position == null) {
                    position = accepted.size();
                    accepted.add(countable);
                }
                // A copy of an event within the batch counts once, as the first, settled if any copy is.
                if (counting.settled(timeline, event)) {
                    settled.set(position);
                }
            } else {
                dropped.merge(verdict.reason(), 1L, Long::sum);
            }
        }
        return new Judged(accepted, settled, dropped);
    }

    /**
     * The consent log must be applied up to what could decide these events: their time plus the clock skew, but
     * no later than they reached the collector (later consent decisions did not change its answer).
     */
    static Instant neededConsent(List<Countable> events, Duration skew) {
        Instant needed = Instant.EPOCH;
        // min(occurredAt + skew, receivedAt) is later than needed only if both are: the sum is computed only then.
        Instant neededLessSkew = needed.minus(skew);
        for (Countable countable : events) {
            UsageEvent event = countable.event();
            if (event.occurredAt().isAfter(neededLessSkew) && event.receivedAt().isAfter(needed)) {
                needed = min(event.occurredAt().plus(skew), event.receivedAt());
                neededLessSkew = needed.minus(skew);
            }
        }
        return needed;
    }

    private Uni<Void> awaitConsentUpTo(Instant needed) {
        return Uni.createFrom().item(freshness::consumedUpTo)
                .invoke(upTo -> {
                    if (upTo.isBefore(needed)) {
                        throw new ConsentBehind();
                    }
                })
                // A look at a field, so it looks often: every wait here is capture-to-counted latency.
                .onFailure(ConsentBehind.class).retry().withBackOff(Duration.ofMillis(100), Duration.ofMillis(100))
                .indefinitely()
                .replaceWithVoid();
    }

    private void dropped(String reason, long events) {
        metrics.counter("report_events_dropped_total", "reason", reason).increment(events);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** The consent view is not yet complete enough to judge the batch; it waits. */
    private static final class ConsentBehind extends RuntimeException {
        ConsentBehind() {
            super("consent view behind", null, false, false);
        }
    }
}
