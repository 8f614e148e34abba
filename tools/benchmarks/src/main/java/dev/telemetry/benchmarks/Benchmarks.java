package dev.telemetry.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.telemetry.apikeys.ApiKeyGroups;
import dev.telemetry.apikeys.ApiKeyMinter;
import dev.telemetry.apikeys.ApiKeysCli;
import dev.telemetry.apikeys.KeyFiles;
import dev.telemetry.launcher.Suite;

/**
 * Starts the suite as {@code run-suite} does (PostgreSQL, Kafka, the three packaged services on free ports) and
 * measures every stage beside its engine's ceiling on the same broker and database, in one run. Prints one table
 * and writes it as JSON. See docs/performance.md.
 */
public final class Benchmarks {

    private static final String USAGE = """
            Usage: java -jar tools/benchmarks/target/benchmarks.jar [options]
              --quick                    seconds instead of minutes (the smoke run; its figures mean nothing)
              --repo DIR                 checkout with the packaged services (default .)
              --out FILE                 JSON results (default <repo>/tools/benchmarks/target/benchmark-results.json)
              --stage-seconds N          length of each load run (default 15)
              --counting-events N        events ingested at least, for the counting stage (default 1000000)
              --kafka-records N          records ProducerPerformance sends (default 2000000)
              --drain-timeout-seconds N  how long to wait for report-service to count the backlog (default 600)
              --rebuild-events N[,N...]  events in the usage log for each rebuild (default 1000000,10000000);
                                         0: one rebuild over what the run ingested
              --rebuild-timeout-minutes N  how long to wait for counting the added events, and for each rebuild
                                         (default 30)
              --stages LETTERS           only these stages, e.g. bf for the consent writes and their ceiling
                                         (default all; the fleet stage runs with f or with any stage that pushes)
            """;

    private static final int MINIMUM_FLEET = 20;
    private static final Pattern STAGE_LETTER = Pattern.compile("\\(([a-z])\\)");

    private final Settings settings;
    private final String stages;
    private final Path repo;
    private final PrintStream out;
    private final Results results;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong notAccepted = new AtomicLong();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private Path home;
    private Suite suite;
    private Suite.Ports ports;
    private Fleet fleet;
    private Pushes pushes;
    private List<String> ingestKeys;
    private String quarter;
    private double kafkaCeiling;
    private double bestIngest100;

    Benchmarks(Settings settings, Path repo, PrintStream out) {
        this(settings, "", repo, out);
    }

    /** @param stages the letters of the stages to run, or empty for all */
    Benchmarks(Settings settings, String stages, Path repo, PrintStream out) {
        this.settings = settings;
        this.stages = stages;
        this.repo = repo;
        this.out = out;
        this.results = new Results(out);
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        Settings settings = Settings.full();
        Path repo = Path.of(".");
        Path output = null;
        String stages = "";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> settings = Settings.quick();
                case "--repo" -> repo = Path.of(args[++i]);
                case "--out" -> output = Path.of(args[++i]);
                case "--stage-seconds" -> settings = settings.withStage(Duration.ofSeconds(Long.parseLong(args[++i])));
                case "--counting-events" -> settings = settings.withCountingEvents(Long.parseLong(args[++i]));
                case "--kafka-records" -> settings = settings.withKafkaRecords(Long.parseLong(args[++i]));
                case "--drain-timeout-seconds" -> settings = settings
                        .withDrainTimeout(Duration.ofSeconds(Long.parseLong(args[++i])));
                case "--rebuild-timeout-minutes" -> settings = settings
                        .withRebuildTimeout(Duration.ofMinutes(Long.parseLong(args[++i])));
                case "--rebuild-events" -> settings = settings.withRebuildEvents(Stream.of(args[++i].split(","))
                        .map(Long::parseLong).filter(n -> n > 0).sorted().toList());
                case "--stages" -> stages = args[++i];
                default -> {
                    System.out.print(USAGE);
                    System.exit(args[i].equals("--help") ? 0 : 2);
                }
            }
        }
        repo = repo.toAbsolutePath().normalize();
        if (output == null) {
            output = repo.resolve("tools/benchmarks/target/benchmark-results.json");
        }
        Benchmarks run = new Benchmarks(settings, stages, repo, System.out);
        run.run(output);
        System.exit(0);
    }

    /** Runs every stage (a failing stage is noted in the table and the others still run), then stops the suite. */
    Results run(Path output) throws Exception {
        home = output.toAbsolutePath().getParent().resolve("benchmark-suite");
        deleteRecursively(home);
        results.about("started", Instant.now().toString());
        results.about("java", System.getProperty("java.version"));
        results.about("cores", Runtime.getRuntime().availableProcessors());
        results.about("settings", settings.toString());
        ports = Suite.Ports.free();
        suite = Suite.prepare(repo, home, ports, Duration.ofMinutes(5), out)
                // every load client shares this machine's address; the per-address limits are not what is measured
                .with("CONSENT_LIMITS_REGISTRATIONS_PER_ADDRESS_PER_HOUR", "1000000000")
                .with("CONSENT_LIMITS_CHANGES_PER_ADDRESS_PER_HOUR", "1000000000")
                // the load's machines are minutes old: the counting rule against fake machines would leave every
                // event out of the preview that the counting stage reads (its contributions are still written)
                .with("REPORT_MINIMUM_ACTIVE_DAYS", "1").with("REPORT_MINIMUM_CONSENT_AGE", "0s");
        Thread stopOnExit = new Thread(suite::close, "benchmarks-shutdown");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            long start = System.nanoTime();
            suite.start(Duration.ZERO);
            results.add("(j) start, whole suite", "PostgreSQL + Kafka + 3 services → all ready", seconds(start),
                    "s");
            quarter = Pushes.quarter(Instant.now());
            ingestKeys = mintIngestKeys(home, settings.ingestClients().stream().max(Integer::compare).orElse(8));
            fleet = new Fleet(suite.consent(), suite.ingestKey());
            pushes = new Pushes(suite.collector(), Clock.systemUTC(), fleet::proofOf);

            stage("(b)+(f)", this::consentAndPostgres);
            stage("fleet", "acdefghi", this::awaitFleet);
            stage("(d) fresh", this::freshEvents);
            stage("(a)", this::kafkaCeiling);
            stage("(c)", this::flumePeer);
            stage("(d)+(e)", this::ingestAndCounting);
            stage("(g)", this::captureToCounted);
            stage("(i)", this::rebuilds);
            stage("(h)", this::publishedReports);
            stage("(j)", this::startAndMemory);
        } finally {
            results.about("finished", Instant.now().toString());
            suite.close();
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException shuttingDown) {
                // stopped by a signal: the hook runs (and finds the suite closed)
            }
        }
        results.print();
        results.write(output);
        out.println("Results written to " + output);
        return results;
    }

    private interface Stage {
        void run() throws Exception;
    }

    /** Runs the stage if it was chosen: one of its letters, {@code (x)} in its name, is among {@link #stages}. */
    private void stage(String name, Stage stage) {
        stage(name, STAGE_LETTER.matcher(name).results()
                .map(letter -> letter.group(1)).collect(Collectors.joining()), stage);
    }

    /** Runs the stage if it was chosen: one of {@code letters} is among {@link #stages}. */
    private void stage(String name, String letters, Stage stage) {
        if (!stages.isEmpty() && stages.chars().noneMatch(letter -> letters.indexOf(letter) >= 0)) {
            return;
        }
        out.println("== " + name);
        try {
            stage.run();
        } catch (Exception e) {
            results.note(name, "stage failed", e.toString());
        }
    }

    /** (b) the single-row insert ceiling and (f) consent writes, at the same concurrency, one after the other. */
    private void consentAndPostgres() throws Exception {
        PostgresCeiling postgres = new PostgresCeiling(ports.postgres(), "postgres", "postgres");
        postgres.prepare();
        // A warm-up, as before the ingest stages: the services' JIT and the consumers of the consent topic.
        Load.run(settings.consentClients().get(0), settings.warmUp(), 0, client -> fleet.optInNewMachine(),
                fleet::recordOptIn);
        for (int clients : settings.consentClients()) {
            PostgresCeiling.Figures ceiling = postgres.measure(clients, settings.stage());
            String ceilingName = ceiling.tool() + " INSERT, " + clients + " clients";
            results.add("(b) PostgreSQL ceiling", ceiling.tool() + " single-row INSERT, " + clients + " clients",
                    ceiling.transactionsPerSecond(), "tx/s");
            Load.Outcome writes = Load.run(clients, settings.stage(), 0, client -> fleet.optInNewMachine(),
                    fleet::recordOptIn);
            results.add("(f) consent writes", "PUT opt-in, " + clients + " concurrent", writes,
                    writes.itemsPerSecond(), "writes/s", ceiling.transactionsPerSecond(), ceilingName);
        }
        results.about("fleet", fleet.machines().size() + " opted-in machines");
    }

    /** Pushes go only to machines that opted in and whose consent the collector has seen. */
    private void awaitFleet() throws Exception {
        // The preview hides figures of fewer than k = 10 machines; counting is read from it.
        while (fleet.machines().size() < MINIMUM_FLEET) {
            HttpResponse<String> answer = http.send(fleet.optInNewMachine(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200 || fleet.recordOptIn(answer) < 0) {
                throw new IOException("an opt-in answered " + answer.statusCode() + " " + Load.abbreviate(
                        answer.body()));
            }
        }
        long start = System.nanoTime();
        int lost = fleet.awaitCollectorAccepts(pushes, settings.fleetTimeout());
        results.add("(f) consent reaches collector", "last opt-in → collector accepts its events", seconds(start),
                "s");
        if (lost > 0) {
            results.add("(f) consent reaches collector", "machines still answered retry after "
                    + settings.fleetTimeout().toSeconds() + " s (left out)", lost, "machines");
        }
        if (fleet.machines().isEmpty()) {
            throw new IOException("no machine's consent reached the collector");
        }
    }

    /**
     * Fresh events: new machines opt in and, {@code freshCapture} later, push the events they captured right after
     * the opt-in, at the smaller consent concurrency (a steady stream of new machines, not a burst that saturates
     * consent-service). The share answered {@code retry} is the share whose opt-in had not reached the collector by
     * then; {@code rejected} must never be given for consent that was not seen yet. Its own fleet: these machines'
     * consent may still be on its way when the other stages push.
     */
    private void freshEvents() throws Exception {
        int clients = settings.consentClients().stream().min(Integer::compare).orElse(16);
        int size = 100;
        Fleet newcomers = new Fleet(suite.consent(), suite.ingestKey());
        Pushes newcomersPushes = new Pushes(suite.collector(), Clock.systemUTC(), newcomers::proofOf);
        AtomicLong events = new AtomicLong();
        AtomicLong retried = new AtomicLong();
        AtomicLong rejected = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        long end = System.nanoTime() + settings.latencyRun().multipliedBy(2).toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            Thread thread = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        HttpResponse<String> optIn = client.send(newcomers.optInNewMachine(),
                                HttpResponse.BodyHandlers.ofString());
                        if (optIn.statusCode() != 200 || newcomers.recordOptIn(optIn) < 0) {
                            failures.incrementAndGet();
                            continue;
                        }
                        String machine = Fleet.anonymousIdOf(optIn);
                        Instant captured = Instant.now();
                        Thread.sleep(settings.freshCapture().toMillis());
                        HttpResponse<String> answer = client.send(newcomersPushes.push(ingestKeys.get(0), machine, size,
                                captured), HttpResponse.BodyHandlers.ofString());
                        if (answer.statusCode() != 200) {
                            failures.incrementAndGet();
                            continue;
                        }
                        events.addAndGet(size);
                        retried.addAndGet(Math.max(0, Fleet.countOf(answer, "retry")));
                        rejected.addAndGet(Math.max(0, Fleet.countOf(answer, "rejected")));
                        accepted.addAndGet(Math.max(0, Fleet.countOf(answer, "accepted")));
                    }
                } catch (IOException | InterruptedException e) {
                    failures.incrementAndGet();
                }
            }, "fresh-" + c);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (events.get() == 0) {
            throw new IOException("no fresh push was answered (" + failures.get() + " failures)");
        }
        String how = String.format("%,d events of %,d new machines, pushed %d s after opt-in, %d clients",
                events.get(), events.get() / size, settings.freshCapture().toSeconds(), clients);
        results.add("(d) fresh events answered retry", how, 100.0 * retried.get() / events.get(), "%");
        results.add("(d) fresh events answered rejected", "the same pushes (must be 0)", 100.0 * rejected.get()
                / events.get(), "%");
        if (failures.get() > 0) {
            results.note("(d) fresh events answered retry", "opt-ins or pushes that failed", failures.get()
                    + " failed");
        }
    }

    /**
     * (c) the generic peer: Flume's HTTP source → Kafka sink (acks=all), same 100-event pushes of the same fleet at
     * the collector's concurrencies, one agent per channel kind. Its rate is events in Kafka per second.
     */
    private void flumePeer() throws Exception {
        int partitions = new KafkaCeiling(bootstrapServers()).partitions(KafkaCeiling.USAGE_TOPIC);
        int size = 100;
        for (String channel : settings.flumeChannels()) {
            try (FlumePeer flume = FlumePeer.start(repo, home, channel, bootstrapServers(), partitions,
                    Duration.ofMinutes(2))) {
                for (int clients : settings.ingestClients()) {
                    List<String> machines = fleet.machines();
                    AtomicLong nextMachine = new AtomicLong();
                    long before = Math.max(0, flume.inKafka());
                    long start = System.nanoTime();
                    Load.Outcome outcome = Load.run(clients, settings.stage(), 0, client -> flume.push(pushes
                            .body(List.of(machines.get((int) (nextMachine.getAndIncrement() % machines.size()))),
                                    size)),
                            response -> size);
                    long expected = before + outcome.items();
                    long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
                    long inKafka = flume.inKafka();
                    while (inKafka < expected && System.nanoTime() < deadline) {
                        Thread.sleep(100);
                        inKafka = flume.inKafka();
                    }
                    String figure = size + "-event pushes, plain, " + clients + " clients, " + channel + " channel";
                    results.add("(c) Flume peer", figure, outcome, (inKafka - before) / seconds(start), "events/s",
                            kafkaCeiling, "Kafka ceiling (a)");
                    if (inKafka < expected) {
                        results.note("(c) Flume peer", figure, (expected - inKafka)
                                + " answered events not in Kafka after " + settings.drainTimeout().toSeconds()
                                + " s");
                    }
                }
            }
        }
    }

    /** (a) ProducerPerformance at the size of the records the collector really writes. */
    private void kafkaCeiling() throws Exception {
        // A warm-up: JIT-compiles the hot paths and leaves records to measure the collector's record size on.
        push(settings.ingestClients().get(0), 100, false, settings.warmUp(), 0);
        KafkaCeiling kafka = new KafkaCeiling(bootstrapServers());
        int recordSize = kafka.collectorRecordSize();
        int partitions = kafka.partitions(KafkaCeiling.USAGE_TOPIC);
        results.about("collector record size (bytes, key + value)", recordSize);
        results.about("usage topic partitions", partitions);
        KafkaCeiling.Figures figures = kafka.measure(partitions, settings.kafkaRecords(), recordSize);
        kafkaCeiling = figures.recordsPerSecond();
        results.add("(a) Kafka ceiling", "ProducerPerformance " + recordSize + " B, acks=all", figures
                .recordsPerSecond(), "records/s");
    }

    /**
     * (d) every push shape at every concurrency, at full speed; meanwhile (e) the backlog report-service has not
     * counted yet, sampled every second until it is drained.
     */
    private void ingestAndCounting() throws Exception {
        try (Counting counting = counting()) {
            List<Map<String, Object>> backlog = new ArrayList<>();
            long runStart = System.nanoTime();
            long countedAtStart = Math.max(0, counting.mark());
            long acceptedAtStart = accepted.get();
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        sample(counting, backlog, runStart);
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "backlog-sampler");
            sampler.setDaemon(true);
            sampler.start();
            String ceilingName = "Kafka ceiling (a)";
            for (int size : settings.pushSizes()) {
                for (boolean gzip : List.of(false, true)) {
                    for (int clients : settings.ingestClients()) {
                        Load.Outcome outcome = push(clients, size, gzip, settings.stage(), 0);
                        results.add("(d) collector ingest", size + "-event pushes, " + (gzip ? "gzip" : "plain")
                                + ", " + clients + " clients", outcome, outcome.itemsPerSecond(), "events/s",
                                kafkaCeiling, ceilingName);
                        if (size == 100 && !gzip) {
                            bestIngest100 = Math.max(bestIngest100, outcome.itemsPerSecond());
                        }
                    }
                }
            }
            while (accepted.get() - acceptedAtStart < settings.countingEvents()) {
                push(32, 100, false, settings.stage(), 0);
            }
            long ingestEnd = System.nanoTime();
            long ingested = accepted.get() - acceptedAtStart;
            long countedAtIngestEnd = Math.max(0, counting.countedNow());
            double ingestSeconds = (ingestEnd - runStart) / 1e9;
            results.add("(d) events not accepted", "retry/rejected/duplicate of all pushed",
                    100.0 * notAccepted.get() / Math.max(1, accepted.get() + notAccepted.get()), "%");
            results.add("(e) counting during ingest", ingested + " events ingested at full speed",
                    (countedAtIngestEnd - countedAtStart) / ingestSeconds, "events/s", ingested / ingestSeconds,
                    "ingest rate, same window");
            results.add("(e) backlog at end of ingest", "accepted, not yet counted", accepted.get()
                    - countedAtIngestEnd, "events");

            long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
            counting.awaitCountedNow(accepted.get(), deadline, 250);
            long drained = System.nanoTime();
            long counted = counting.awaitCounted(accepted.get(), deadline);
            sampler.interrupt();
            sampler.join();
            results.series("backlog", backlog);
            double total = seconds(runStart);
            if (counted >= accepted.get()) {
                results.add("(e) counting, whole backlog", (counted - countedAtStart) + " events, ingest + drain",
                        (counted - countedAtStart) / total, "events/s", ingested / ingestSeconds,
                        "ingest rate (d)");
                results.add("(e) drain after ingest", "end of ingest → all counted", (drained - ingestEnd) / 1e9,
                        "s");
            } else {
                results.add("(e) counting, whole backlog", (counted - countedAtStart) + " events counted in "
                        + Math.round(total) + " s", (counted - countedAtStart) / total, "events/s",
                        ingested / ingestSeconds, "ingest rate (d)");
                results.note("(e) drain after ingest", "end of ingest → all counted", "not drained within "
                        + settings.drainTimeout().toSeconds() + " s: " + (accepted.get() - counted) + " left");
            }
        }
    }

    private void sample(Counting counting, List<Map<String, Object>> backlog, long runStart)
            throws InterruptedException {
        long counted = counting.countedNow();
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("s", Math.round(seconds(runStart) * 10) / 10.0);
        point.put("accepted", accepted.get());
        point.put("counted", counted);
        point.put("backlog", counted < 0 ? null : accepted.get() - counted);
        point.put("consumerLag", counting.lag());
        synchronized (backlog) {
            backlog.add(point);
        }
    }

    /**
     * (g) at half the collector's 100-event capacity, one-event probe pushes every 500 ms: a probe counts as counted
     * once the preview's total reaches every event accepted by the time the probe's push was answered (so this is
     * an upper bound of the probe's own latency).
     */
    private void captureToCounted() throws Exception {
        if (bestIngest100 <= 0) {
            results.note("(g) capture → counted", "at 50 % ingest load", "no ingest capacity measured");
            return;
        }
        double rate = bestIngest100 / 2;
        try (Counting counting = counting()) {
            if (counting.mark() < accepted.get()) {
                results.note("(g) capture → counted", "at 50 % ingest load",
                        "the backlog of (e) was not counted yet; this would measure the backlog");
                return;
            }
            List<long[]> probes = new ArrayList<>();
            Thread prober = new Thread(() -> {
                HttpClient probeHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                List<String> machines = fleet.machines();
                try {
                    long end = System.nanoTime() + settings.latencyRun().toNanos();
                    while (System.nanoTime() < end) {
                        long captured = System.nanoTime();
                        HttpResponse<String> answer = probeHttp.send(pushes.push(ingestKeys.get(0), machines.get(0),
                                1, false), HttpResponse.BodyHandlers.ofString());
                        if (answer.statusCode() == 200 && Fleet.acceptedOf(answer, 1, notAccepted) == 1) {
                            long threshold = accepted.incrementAndGet();
                            synchronized (probes) {
                                probes.add(new long[]{captured, threshold, -1});
                            }
                        }
                        Thread.sleep(500);
                    }
                } catch (IOException | InterruptedException e) {
                    // the probes so far are measured
                }
            }, "probe");
            prober.start();
            Thread load = new Thread(() -> {
                try {
                    push(8, 100, false, settings.latencyRun(), rate / 100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "half-load");
            load.start();
            long deadline = System.nanoTime() + settings.latencyRun().toNanos() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && (prober.isAlive() || unresolved(probes))) {
                long counted = counting.countedNow();
                long now = System.nanoTime();
                synchronized (probes) {
                    for (long[] probe : probes) {
                        if (probe[2] < 0 && counted >= probe[1]) {
                            probe[2] = now - probe[0];
                        }
                    }
                }
                Thread.sleep(100);
            }
            load.join();
            prober.join();
            long shown = counting.awaitCounted(accepted.get(), deadline);
            if (shown < accepted.get()) {
                results.note("(g) capture → counted", "at 50 % ingest load", "the preview shows " + shown + " of "
                        + accepted.get() + " events accepted");
                return;
            }
            org.HdrHistogram.Histogram latency = new org.HdrHistogram.Histogram(3);
            long missing = 0;
            for (long[] probe : probes) {
                if (probe[2] < 0) {
                    missing++;
                } else {
                    latency.recordValue(probe[2] / 1_000_000);
                }
            }
            if (latency.getTotalCount() == 0) {
                results.note("(g) capture → counted", "at 50 % ingest load", "no probe was counted in time");
                return;
            }
            results.add("(g) capture → counted", String.format("p50 at %,.0f events/s (50 %%)", rate),
                    latency.getValueAtPercentile(50), "ms");
            results.add("(g) capture → counted", String.format("p99 at %,.0f events/s (50 %%)", rate),
                    latency.getValueAtPercentile(99), "ms");
            if (missing > 0) {
                results.note("(g) capture → counted", "probes not counted within 60 s", missing + " of "
                        + probes.size());
            }
        }
    }

    private static boolean unresolved(List<long[]> probes) {
        synchronized (probes) {
            return probes.stream().anyMatch(probe -> probe[2] < 0);
        }
    }

    /**
     * (i) rebuilds of every unpublished quarter from the whole log, at each size of {@code rebuildEvents}: the log is
     * first topped up with copies of the collector's records and counted (the rebuild starts from a counted log).
     */
    private void rebuilds() throws Exception {
        if (settings.rebuildEvents().isEmpty()) {
            rebuild();
            return;
        }
        for (long size : settings.rebuildEvents()) {
            long missing = size - accepted.get();
            if (missing > 0) {
                try (Counting counting = counting()) {
                    counting.mark(); // before the top-up, while no offset moves
                    long start = System.nanoTime();
                    new UsageLogFiller(bootstrapServers()).write(missing);
                    accepted.addAndGet(missing);
                    results.add("(i) log topped up", String.format("%,d copies of collector records, acks=all",
                            missing), missing / seconds(start), "records/s");
                    long countingStart = System.nanoTime();
                    long deadline = countingStart + settings.rebuildTimeout().toNanos();
                    counting.awaitCountedNow(accepted.get(), deadline, 1000);
                    long counted = counting.awaitCounted(accepted.get(), deadline);
                    if (counted < accepted.get()) {
                        results.note("(i) rebuild", String.format("%,d events", size), "the topped-up log was not "
                                + "counted within " + settings.rebuildTimeout().toMinutes() + " min: "
                                + (accepted.get() - counted) + " left");
                        return;
                    }
                    results.add("(i) counting the added events", String.format("%,d events, backlog drained",
                            missing), missing / seconds(countingStart), "events/s");
                }
            }
            rebuild();
        }
    }

    /** report-service's progress, seen from outside (close it after the stage). */
    private Counting counting() {
        return new Counting(suite.report(), suite.adminKey(), quarter, bootstrapServers());
    }

    /** One rebuild of every unpublished quarter from the whole log; peak heap from report-service's metrics. */
    private void rebuild() throws Exception {
        HttpRequest rebuild = HttpRequest.newBuilder(suite.report().resolve("/v1/admin/aggregates/rebuild"))
                .timeout(settings.rebuildTimeout()).header("Authorization", "Bearer " + suite.adminKey())
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        AtomicLong peakHeap = new AtomicLong();
        Thread watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peakHeap.accumulateAndGet(heapBytes(suite.management("report-service")), Math::max);
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-watcher");
        watcher.setDaemon(true);
        watcher.start();
        long start = System.nanoTime();
        HttpResponse<String> answer;
        try {
            answer = http.send(rebuild, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            results.note("(i) rebuild", "all unpublished quarters", "no answer after " + Math.round(seconds(start))
                    + " s: " + e.getMessage() + " (see report-service.log)");
            return;
        } finally {
            watcher.interrupt();
        }
        double took = seconds(start);
        if (answer.statusCode() != 200) {
            results.note("(i) rebuild", "all unpublished quarters", answer.statusCode() + " after "
                    + Math.round(took) + " s: " + Load.abbreviate(answer.body()));
            return;
        }
        results.add("(i) rebuild", String.format("%,d events in the log", accepted.get()), took, "s");
        results.add("(i) rebuild", "peak heap of report-service", peakHeap.get() / 1048576.0, "MiB");
        results.about("rebuild answer", answer.body());
    }

    private long heapBytes(URI service) {
        try {
            HttpResponse<Stream<String>> metrics = http.send(
                    HttpRequest.newBuilder(service.resolve("/q/metrics")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofLines());
            return (long) metrics.body().filter(line -> line.startsWith("jvm_memory_used_bytes{")
                    && line.contains("area=\"heap\""))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /**
     * (h) the quarter ends (every service's clock moved a day past it, which restarts them: (j) restart), it is
     * published, and its public report is read as JSON, CSV and HTML.
     */
    private void publishedReports() throws Exception {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        ZonedDateTime quarterEnd = now.withDayOfMonth(1).toLocalDate().atStartOfDay(ZoneOffset.UTC)
                .withMonth((now.getMonthValue() - 1) / 3 * 3 + 1).plusMonths(3);
        long start = System.nanoTime();
        suite.restartServices(Duration.between(Instant.now(), quarterEnd.plusDays(1).toInstant()));
        results.add("(j) restart, 3 services at once", "stop → all ready again", seconds(start), "s");

        HttpRequest publish = HttpRequest.newBuilder(suite.report().resolve("/v1/admin/reports/" + quarter
                + "/publish")).timeout(Duration.ofMinutes(5)).header("Authorization", "Bearer " + suite.adminKey())
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        start = System.nanoTime();
        HttpResponse<String> published = http.send(publish, HttpResponse.BodyHandlers.ofString());
        if (published.statusCode() != 200) {
            throw new IOException("publishing " + quarter + " answered " + published.statusCode() + " "
                    + Load.abbreviate(published.body()));
        }
        results.add("(h) publish", "quarter " + quarter, seconds(start) * 1000, "ms");
        Map<String, String> formats = new LinkedHashMap<>();
        formats.put("JSON", "/v1/reports/" + quarter);
        formats.put("CSV", "/v1/reports/" + quarter + "?format=csv");
        formats.put("HTML", "/reports/" + quarter);
        for (Map.Entry<String, String> format : formats.entrySet()) {
            HttpRequest get = HttpRequest.newBuilder(suite.report().resolve(format.getValue()))
                    .timeout(Duration.ofSeconds(30)).build();
            Load.Outcome reads = Load.run(settings.reportClients(), settings.stage(), 0, client -> get,
                    response -> 1);
            results.add("(h) published report GET", format.getKey() + ", " + settings.reportClients() + " clients",
                    reads, reads.requestsPerSecond(), "req/s", null, null);
        }
    }

    /**
     * (j) each service's memory after the run, then each started once more alone: start → ready and RSS, without and
     * (on JDK 25+, once the suite's run trained it) with the JDK's AOT cache, as run-suite starts it.
     */
    private void startAndMemory() throws Exception {
        for (String service : Suite.SERVICES) {
            ProcessHandle running = Processes.service(service)
                    .orElseThrow(() -> new IOException(service + " is not running"));
            results.add("(j) RSS after the run", service, Processes.rssMiB(running.pid()), "MiB");
            Map<String, String> environment = Processes.environment(running.pid());
            Path jar = repo.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
            startAlone(service, jar, environment, List.of(), "no AOT cache");
            List<String> aot = Suite.aotCacheOptions(jar);
            if (aot.stream().anyMatch(option -> option.startsWith("-XX:AOTCache="))) {
                startAlone(service, jar, environment, aot, "AOT cache");
            }
        }
    }

    private void startAlone(String service, Path jar, Map<String, String> environment, List<String> aot,
            String variant) throws Exception {
        int port = dev.telemetry.infra.Ports.free();
        int managementPort = dev.telemetry.infra.Ports.free();
        Map<String, String> alone = new HashMap<>(environment);
        alone.put("HTTP_PORT", Integer.toString(port));
        alone.put("MANAGEMENT_PORT", Integer.toString(managementPort));
        // The JVM options of the suite's launcher, so the figures are those of run-suite.
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(Suite.jvmOptions(service));
        command.addAll(aot);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        builder.environment().putAll(alone);
        long start = System.nanoTime();
        Process process = builder.start();
        try {
            awaitReady(URI.create("http://127.0.0.1:" + managementPort), process, Duration.ofMinutes(3));
            double took = seconds(start);
            String what = service + ", JDK " + Runtime.version().feature() + ", " + variant;
            results.add("(j) start alone → ready", what, took, "s");
            results.add("(j) RSS when ready", what, Processes.rssMiB(process.pid()), "MiB");
        } finally {
            process.destroy();
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private void awaitReady(URI service, Process process, Duration timeout) throws Exception {
        HttpRequest ready = HttpRequest.newBuilder(service.resolve("/q/health/ready"))
                .timeout(Duration.ofSeconds(3)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("exited with " + process.exitValue() + " while starting");
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IOException("not ready after " + timeout);
    }

    /** Pushes from {@code clients} machines' CLIs at once, each client with its own API key. */
    private Load.Outcome push(int clients, int size, boolean gzip, Duration duration, double pushesPerSecond)
            throws InterruptedException {
        List<String> machines = fleet.machines();
        AtomicLong nextMachine = new AtomicLong();
        return Load.run(clients, duration, pushesPerSecond,
                client -> pushes.push(ingestKeys.get(client % ingestKeys.size()),
                        machines.get((int) (nextMachine.getAndIncrement() % machines.size())), size, gzip),
                response -> {
                    long n = Fleet.acceptedOf(response, size, notAccepted);
                    if (n > 0) {
                        accepted.addAndGet(n);
                    }
                    return n;
                });
    }

    /**
     * One ingest key per load client: the collector limits pushes per key (COLLECTOR_PUSHES_PER_MINUTE), and that
     * limit is a guard against a runaway key, not the figure measured here.
     */
    private static List<String> mintIngestKeys(Path home, int count) throws IOException {
        ApiKeyMinter minter = new ApiKeyMinter(KeyFiles.readPrivateKey(home.resolve("keys")
                .resolve(KeyFiles.PRIVATE_KEY_FILE)), ApiKeysCli.DEFAULT_ISSUER, ApiKeysCli.DEFAULT_AUDIENCE);
        return IntStream.range(0, count).mapToObj(i -> minter.mint("benchmark-client-" + i,
                Set.of(ApiKeyGroups.INGEST), Duration.ofDays(1)).token()).toList();
    }

    private String bootstrapServers() {
        return "127.0.0.1:" + ports.kafka();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
