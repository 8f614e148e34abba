package dev.telemetry.report.projection;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

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
import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.usage.UsageEvent;
import dev.telemetry.report.quarter.Quarter;

/**
 * Counts usage events into the quarterly aggregates, one transaction per consumed batch. Each event is judged again
 * by the consent rule (defence in depth: the collector may not have seen an opt-out yet); events outside consent,
 * events of published quarters and unreadable messages are dropped and counted in
 * {@code report_events_dropped_total{reason}}, never in a report.
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

    UsageProjection(Pool pool, Aggregates aggregates, ConsentView consent, ConsentFreshness freshness, ConsentRule rule,
            @ConfigProperty(name = "report.consent.clock-skew") Duration skew, MeterRegistry metrics) {
        this.pool = pool;
        this.aggregates = aggregates;
        this.consent = consent;
        this.freshness = freshness;
        this.rule = rule;
        this.skew = skew;
        this.metrics = metrics;
    }

    @Incoming("usage-in")
    public Uni<Void> consume(ConsumerRecords<String, String> records) {
        List<UsageEvent> events = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            try {
                events.add(IntegrationJson.read(record.value(), UsageEvent.class));
            } catch (IntegrationJson.UnreadableEventException e) {
                LOG.errorf("dropping unreadable message at %s-%d@%d: %s", Topics.USAGE, record.partition(),
                        record.offset(), e.getMessage());
                dropped("unreadable");
            }
        }
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return awaitConsentUpTo(neededConsent(events))
                .chain(() -> pool.withTransaction(
                        tx -> Aggregates.lock(tx).chain(() -> apply(tx, events, freshness.consumedUpTo()))))
                .replaceWithVoid();
    }

    /**
     * Counts the events (in order) under the consent rule.
     *
     * @param consumedUpTo up to when the consent view is complete ({@link Instant#MAX} in a rebuild)
     */
    Uni<Integer> apply(SqlClient tx, List<UsageEvent> events, Instant consumedUpTo) {
        Set<String> machines = events.stream().map(UsageEvent::pseudonym).collect(Collectors.toSet());
        return consent.timelines(tx, machines).chain(timelines -> {
            Uni<Integer> chain = Uni.createFrom().item(0);
            for (UsageEvent event : events) {
                chain = chain.chain(counted -> judgeAndCount(tx, event, timelines, consumedUpTo)
                        .map(added -> counted + (added ? 1 : 0)));
            }
            return chain;
        });
    }

    private Uni<Boolean> judgeAndCount(SqlClient tx, UsageEvent event, Map<String, ConsentTimeline> timelines,
            Instant consumedUpTo) {
        return aggregates.isPublished(tx, Quarter.of(event.occurredAt())).chain(published -> {
            if (published) {
                dropped("quarter_published");
                return Uni.createFrom().item(false);
            }
            ConsentRule.Verdict verdict = rule.judge(timelines.getOrDefault(event.pseudonym(), ConsentTimeline.NONE),
                    event.occurredAt(), event.receivedAt(), consumedUpTo);
            if (verdict.outcome() != ConsentRule.Outcome.ACCEPT) {
                dropped(verdict.reason());
                return Uni.createFrom().item(false);
            }
            return aggregates.count(tx, event);
        });
    }

    /**
     * The consent log must be applied up to what could decide these events: their time plus the clock skew, but
     * no later than they reached the collector (later consent decisions did not change its answer).
     */
    private Instant neededConsent(List<UsageEvent> events) {
        return events.stream()
                .map(event -> min(event.occurredAt().plus(skew), event.receivedAt()))
                .max(Instant::compareTo).orElse(Instant.EPOCH);
    }

    private Uni<Void> awaitConsentUpTo(Instant needed) {
        return Uni.createFrom().item(freshness::consumedUpTo)
                .invoke(upTo -> {
                    if (upTo.isBefore(needed)) {
                        throw new ConsentBehind();
                    }
                })
                .onFailure(ConsentBehind.class).retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(2))
                .indefinitely()
                .replaceWithVoid();
    }

    private void dropped(String reason) {
        metrics.counter("report_events_dropped_total", "reason", reason).increment();
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
