package dev.telemetry.collector.ingest;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

import dev.telemetry.collector.ingest.EventValidator.Checked;
import dev.telemetry.consentview.ConsentFreshness;
import dev.telemetry.consentview.ConsentRule;
import dev.telemetry.consentview.ConsentTimeline;
import dev.telemetry.consentview.ConsentView;
import dev.telemetry.consentview.ConsentWindows;
import dev.telemetry.contract.Pseudonyms;
import dev.telemetry.contract.catalog.EventCatalog;
import dev.telemetry.contract.usage.UsageEvent;

/**
 * One push: validate each event, look up the consent of all its machines in one query, judge each event by the
 * consent rule, then append the accepted ones to Kafka in one batch. Nothing is reported accepted before Kafka
 * acknowledged it.
 */
@ApplicationScoped
public class IngestService {

    private final EventValidator validator;
    private final EventCatalog catalog;
    private final Pseudonyms pseudonyms;
    private final ConsentView consent;
    private final Pool pool;
    private final ConsentFreshness freshness;
    private final ConsentRule rule;
    private final UsagePublisher publisher;
    private final MachineProofCheck proofs;
    private final Clock clock;
    /** Lets a resend be answered "duplicate"; downstream deduplicates exactly. */
    private final RecentlyAccepted recentlyAccepted;

    IngestService(CollectorConfig config, ConsentWindows windows, EventCatalog catalog, Pseudonyms pseudonyms,
            ConsentView consent, Pool pool, ConsentFreshness freshness, UsagePublisher publisher,
            MachineProofCheck proofs, Clock clock) {
        this.validator = new EventValidator(catalog, windows.clockSkew(), config.maxEventAge());
        this.catalog = catalog;
        this.pseudonyms = pseudonyms;
        this.consent = consent;
        this.pool = pool;
        this.freshness = freshness;
        this.rule = new ConsentRule(windows);
        this.publisher = publisher;
        this.proofs = proofs;
        this.clock = clock;
        this.recentlyAccepted = new RecentlyAccepted(config.duplicateCacheSize(), config.duplicateCacheTtl());
    }

    /**
     * An event without its machine's proof is judged as if its machine had never answered ({@link MachineProofCheck}).
     *
     * @param store false for {@code /validate}: the same verdicts, nothing appended or remembered
     */
    public Uni<PushResult> push(List<RawEvent> events, boolean store) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        List<Checked> checked = events.stream().map(event -> validator.check(event, now)).toList();
        // A push is usually one machine's spool: one HMAC per machine, not per event, and a run of one machine's
        // events is looked up once.
        Map<String, String> pseudonymByMachine = new HashMap<>();
        List<String> pseudonymOf = new ArrayList<>();
        String anonymousId = null;
        String pseudonym = null;
        for (Checked event : checked) {
            if (event.event() != null && !event.event().anonymousId().equals(anonymousId)) {
                anonymousId = event.event().anonymousId();
                pseudonym = pseudonymByMachine.computeIfAbsent(anonymousId, pseudonyms::of);
            }
            pseudonymOf.add(event.event() == null ? null : pseudonym);
        }
        Set<String> machines = new HashSet<>(pseudonymByMachine.values());
        Instant consumedUpTo = freshness.consumedUpTo();
        return Uni.combine().all().unis(consent.timelines(pool, machines), proofs.forMachines(pool, machines))
                .asTuple()
                .onFailure().transform(ConsentUnavailableException::new)
                .chain(known -> {
                    Map<String, ConsentTimeline> timelines = known.getItem1();
                    MachineProofCheck.Proofs machineProofs = known.getItem2();
                    List<EventResult> results = new ArrayList<>();
                    List<UsageEvent> accepted = new ArrayList<>();
                    Set<InBatch> seenInBatch = new HashSet<>();
                    for (int i = 0; i < checked.size(); i++) {
                        results.add(judge(i, checked.get(i), pseudonymOf.get(i), timelines, machineProofs, now,
                                consumedUpTo, seenInBatch, accepted));
                    }
                    if (!store) {
                        return Uni.createFrom().item(PushResult.of(results));
                    }
                    return publisher.publish(accepted)
                            .onFailure().transform(LogUnavailableException::new)
                            .invoke(() -> recentlyAccepted.addAll(accepted))
                            .replaceWith(() -> PushResult.of(results));
                });
    }

    private EventResult judge(int index, Checked checked, String pseudonym, Map<String, ConsentTimeline> timelines,
            MachineProofCheck.Proofs machineProofs, Instant now, Instant consumedUpTo, Set<InBatch> seenInBatch,
            List<UsageEvent> accepted) {
        if (checked.event() == null) {
            return new EventResult(index, checked.id(), EventResult.REJECTED, checked.reason(), checked.detail());
        }
        EventValidator.ValidEvent event = checked.event();
        if (!seenInBatch.add(new InBatch(pseudonym, event.id()))) {
            return new EventResult(index, checked.id(), EventResult.DUPLICATE, "duplicate_in_batch",
                    "the same event appears earlier in this push");
        }
        boolean proven = machineProofs.proves(pseudonym, event.proof());
        // Without its machine's proof an event learns nothing about the machine, not even an earlier acceptance.
        if (proven && recentlyAccepted.contains(pseudonym, event.id())) {
            return new EventResult(index, checked.id(), EventResult.DUPLICATE, "already_accepted",
                    "this event was accepted before");
        }
        ConsentTimeline timeline = proven
                ? timelines.getOrDefault(pseudonym, ConsentTimeline.NONE)
                : ConsentTimeline.NONE;
        ConsentRule.Verdict verdict = rule.judge(timeline, event.timestamp(), now, consumedUpTo);
        switch (verdict.outcome()) {
            case REJECT :
                return new EventResult(index, checked.id(), EventResult.REJECTED, verdict.reason(),
                        ConsentReasons.detail(verdict.reason()));
            case RETRY :
                return new EventResult(index, checked.id(), EventResult.RETRY, verdict.reason(),
                        ConsentReasons.detail(verdict.reason()));
            default :
                accepted.add(new UsageEvent(event.id(), pseudonym, event.timestamp(), event.kind(), event.os(),
                        event.build(), event.data(), now, catalog.id()));
                return EventResult.accepted(index, checked.id());
        }
    }

    /** An event of this push, to find it again later in the same push. */
    private record InBatch(String pseudonym, UUID id) {
    }

    /** The consent view could not be read (its database is down): 503, nothing was judged or written. */
    public static final class ConsentUnavailableException extends RuntimeException {
        ConsentUnavailableException(Throwable cause) {
            super("the consent view is unavailable", cause);
        }
    }

    /** Kafka did not acknowledge the batch: the push is answered 503 and nothing is reported accepted. */
    public static final class LogUnavailableException extends RuntimeException {
        LogUnavailableException(Throwable cause) {
            super("the event log is unavailable", cause);
        }
    }
}
