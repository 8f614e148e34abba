package dev.telemetry.report.projection;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response.Status;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.telemetry.consentview.ConsentTimeline;
import dev.telemetry.consentview.ConsentView;
import dev.telemetry.contract.Topics;
import dev.telemetry.edge.Problem;
import dev.telemetry.edge.ProblemException;
import dev.telemetry.report.projection.UsageRecord.Countable;

/**
 * Rebuilds the aggregates of every unpublished quarter from the log, in bounded memory and beside live counting:
 * <ol>
 * <li>the usage topic is read from its beginning to its end at the start, in batches of {@value #BATCH} events, each
 * counted into the staging tables ({@code rebuild_*}) by the live path's own statements, in its own short transaction
 * under the aggregate lock (shared), so live batches and consent messages go on beside it;</li>
 * <li>one final transaction under the lock (exclusive) reads the few events that arrived meanwhile (up to the topic's end
 * <em>then</em>, which covers everything live counting has committed), forgets the unpublished live aggregates,
 * recounts opt-ins and opt-outs from the consent view page by page, and copies the staged aggregates in.</li>
 * </ol>
 * Erasures during a rebuild are applied to the staging tables too ({@link Aggregates#erase}). A failure anywhere rolls
 * back the transaction it is in; the live aggregates stay as they were until the final transaction commits. One
 * rebuild runs at a time per instance; its progress is {@link #progress()}.
 */
@ApplicationScoped
public class Rebuild {

    private static final Logger LOG = Logger.getLogger(Rebuild.class);
    static final int BATCH = 5000;
    private static final int CONSENT_PAGE = 5000;
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(10);

    private final Pool pool;
    private final Aggregates aggregates;
    private final UsageProjection usage;
    private final ConsentView view;
    private final Clock clock;
    /** The service's {@code kafka.*} settings (brokers and security), as its channels use them. */
    private final Map<String, Object> kafka;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "aggregate-rebuild");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicReference<Run> running = new AtomicReference<>();
    private volatile Progress last = new Progress(Progress.IDLE, null, null, 0, 0, 0);

    Rebuild(Pool pool, Aggregates aggregates, UsageProjection usage, ConsentView view, Clock clock,
            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.pool = pool;
        this.aggregates = aggregates;
        this.usage = usage;
        this.view = view;
        this.clock = clock;
        this.kafka = Map.copyOf(kafka);
    }

    public record Result(long machines, long eventsRead, long eventsCounted) {
    }

    /** The running rebuild, or how the last one ended. */
    @RegisterForReflection
    public record Progress(String state, Instant startedAt, Instant finishedAt, long eventsInLog, long eventsRead,
            long eventsCounted) {
        static final String IDLE = "idle";
        static final String RUNNING = "running";
        static final String COMPLETED = "completed";
        static final String FAILED = "failed";
    }

    public Progress progress() {
        Run run = running.get();
        return run == null ? last : run.progress(Progress.RUNNING, null);
    }

    /** Starts a rebuild and completes when it has; a 409 problem if one is running already. */
    public Uni<Result> rebuild() {
        Run run = new Run(clock.instant());
        if (!running.compareAndSet(null, run)) {
            Progress now = progress();
            return Uni.createFrom().failure(new ProblemException(Problem.of(Status.CONFLICT, "rebuild-running",
                    "Rebuild running", "A rebuild started at " + now.startedAt() + " is running (" + now.eventsRead()
                            + " of " + now.eventsInLog() + " events read); GET this resource for its progress.")));
        }
        CompletableFuture<Result> done = CompletableFuture.supplyAsync(() -> {
            try {
                Result result = run(run);
                last = run.progress(Progress.COMPLETED, clock.instant());
                LOG.infof("rebuilt unpublished quarters: %d machines, %d events read, %d counted", result.machines(),
                        result.eventsRead(), result.eventsCounted());
                return result;
            } catch (RuntimeException e) {
                last = run.progress(Progress.FAILED, clock.instant());
                LOG.error("rebuild failed; the aggregates are as they were before it", e);
                throw e;
            } finally {
                running.set(null);
            }
        }, worker);
        return Uni.createFrom().completionStage(done)
                .onFailure().transform(e -> new ProblemException(Problem.of(Status.INTERNAL_SERVER_ERROR,
                        "rebuild-failed", "Rebuild failed", "The rebuild failed and changed nothing; live counting "
                                + "goes on. The service log says why; the rebuild can be started again.")));
    }

    private Result run(Run run) {
        await(pool.withTransaction(aggregates::clearStaging));
        Properties config = new Properties();
        config.putAll(kafka);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, BATCH);
        try (KafkaConsumer<String, UsageRecord> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new UsageRecordDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.USAGE, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(Topics.USAGE, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> start = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            run.eventsInLog.set(partitions.stream().mapToLong(p -> end.get(p) - start.get(p)).sum());

            read(consumer, end, run, events -> await(pool.withTransaction(tx -> countStaged(tx, events, run))));

            return inTransaction(tx -> {
                await(Aggregates.lockExclusive(tx));
                // Read after taking the lock: every event live counting has committed is below these offsets.
                Map<TopicPartition, Long> now = consumer.endOffsets(partitions);
                run.eventsInLog.addAndGet(partitions.stream().mapToLong(p -> now.get(p) - end.get(p)).sum());
                read(consumer, now, run, events -> await(countStaged(tx, events, run)));
                await(aggregates.clearUnpublished(tx));
                long machines = recountConsent(tx);
                await(aggregates.copyStaging(tx));
                return new Result(machines, run.eventsRead.get(), run.eventsCounted.get());
            });
        }
    }

    private Uni<Void> countStaged(SqlClient tx, List<Countable> events, Run run) {
        // The log up to here was judged by live counting once the consent view covered it: it is complete.
        return usage.count(tx, Aggregates.Tables.REBUILD, events, Instant.MAX)
                .invoke(tally -> run.eventsCounted.addAndGet(tally.counted()))
                .replaceWithVoid();
    }

    /** Reads every partition up to {@code end} (exclusive) in batches of at most {@value #BATCH} events. */
    private static void read(KafkaConsumer<String, UsageRecord> consumer, Map<TopicPartition, Long> end, Run run,
            Consumer<List<Countable>> count) {
        List<Countable> batch = new ArrayList<>(BATCH);
        while (end.entrySet().stream().anyMatch(p -> consumer.position(p.getKey()) < p.getValue())) {
            for (ConsumerRecord<String, UsageRecord> record : consumer.poll(Duration.ofMillis(500))) {
                if (record.offset() >= end.get(new TopicPartition(record.topic(), record.partition()))) {
                    continue;
                }
                run.eventsRead.incrementAndGet();
                if (record.value() instanceof Countable event) {
                    batch.add(event);
                } else {
                    LOG.errorf("rebuild skips unreadable %s-%d@%d", record.topic(), record.partition(),
                            record.offset());
                }
                if (batch.size() == BATCH) {
                    count.accept(batch);
                    batch = new ArrayList<>(BATCH);
                }
            }
        }
        if (!batch.isEmpty()) {
            count.accept(batch);
        }
        // A poll may have fetched past the end; the next read starts exactly there.
        end.forEach(consumer::seek);
    }

    /** Opt-ins and opt-outs of every machine into the staging tables, a page of machines at a time. */
    private long recountConsent(SqlClient tx) {
        Set<String> published = await(aggregates.published(tx));
        long machines = 0;
        String after = "";
        while (true) {
            List<String> page = new ArrayList<>();
            await(tx.preparedQuery("SELECT pseudonym FROM machine_consent WHERE pseudonym > $1 ORDER BY pseudonym "
                    + "LIMIT $2").execute(Tuple.of(after, CONSENT_PAGE)))
                    .forEach(row -> page.add(row.getString("pseudonym")));
            if (page.isEmpty()) {
                return machines;
            }
            Map<String, ConsentTimeline> timelines = await(view.timelines(tx, new HashSet<>(page)));
            Contributions contributions = new Contributions();
            timelines.forEach((pseudonym, timeline) -> ConsentProjection.recount(pseudonym, timeline, published,
                    contributions));
            await(aggregates.add(tx, Aggregates.Tables.REBUILD, contributions.all()));
            machines += page.size();
            after = page.get(page.size() - 1);
        }
    }

    /** Runs {@code work} (blocking, on this thread) in one transaction: committed if it returns, else rolled back. */
    private <T> T inTransaction(Function<SqlClient, T> work) {
        SqlConnection connection = await(pool.getConnection());
        try {
            Transaction transaction = await(connection.begin());
            try {
                T result = work.apply(connection);
                await(transaction.commit());
                return result;
            } catch (RuntimeException e) {
                try {
                    await(transaction.rollback());
                } catch (RuntimeException rollbackFailed) {
                    e.addSuppressed(rollbackFailed);
                }
                throw e;
            }
        } finally {
            connection.closeAndAwait();
        }
    }

    private static <T> T await(Uni<T> step) {
        try {
            return step.await().atMost(STEP_TIMEOUT);
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    @PreDestroy
    void close() {
        worker.shutdownNow();
    }

    /** The counters of a running rebuild. */
    private static final class Run {
        final Instant startedAt;
        final AtomicLong eventsInLog = new AtomicLong();
        final AtomicLong eventsRead = new AtomicLong();
        final AtomicLong eventsCounted = new AtomicLong();

        Run(Instant startedAt) {
            this.startedAt = startedAt;
        }

        Progress progress(String state, Instant finishedAt) {
            return new Progress(state, startedAt, finishedAt, eventsInLog.get(), eventsRead.get(),
                    eventsCounted.get());
        }
    }
}
