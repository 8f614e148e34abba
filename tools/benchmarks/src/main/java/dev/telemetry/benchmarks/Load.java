package dev.telemetry.benchmarks;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop HTTP/1.1 load generator: {@code clients} threads, each with its own keep-alive connection, sending
 * one request after another for a fixed time (optionally paced to a total rate), latency measured per request.
 */
final class Load {

    /** What one run did: requests, items counted from the answers (e.g. accepted events), latency per request. */
    record Outcome(long requests, long items, long failures, double seconds, Histogram latency, String firstFailure) {

        double requestsPerSecond() {
            return requests / seconds;
        }

        double itemsPerSecond() {
            return items / seconds;
        }

        double p50Millis() {
            return latency.getValueAtPercentile(50) / 1000.0;
        }

        double p99Millis() {
            return latency.getValueAtPercentile(99) / 1000.0;
        }
    }

    private Load() {
    }

    /**
     * @param request the request client {@code n} sends next
     * @param items how many items a 200 answer counts for (e.g. its accepted events); -1 marks it failed
     * @param ratePerSecond total requests per second over all clients, or 0 for as fast as they go
     */
    static Outcome run(int clients, Duration duration, double ratePerSecond, IntFunction<HttpRequest> request,
            ToLongFunction<HttpResponse<String>> items) throws InterruptedException {
        Recorder recorder = new Recorder(TimeUnit.MINUTES.toMicros(5), 3);
        AtomicLong requests = new AtomicLong();
        AtomicLong counted = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicLong paced = new AtomicLong();
        StringBuilder firstFailure = new StringBuilder();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long interval = ratePerSecond > 0 ? (long) (1e9 / ratePerSecond) : 0;
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            // One HttpClient per load client: its own connection, kept alive, like one CLI or one proxy.
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            Thread thread = new Thread(() -> {
                while (true) {
                    if (interval > 0) {
                        long slot = start + paced.getAndIncrement() * interval;
                        long wait = slot - System.nanoTime();
                        if (wait > 0) {
                            sleepNanos(wait);
                        }
                    }
                    if (System.nanoTime() >= end) {
                        return;
                    }
                    HttpRequest next = request.apply(client);
                    long sent = System.nanoTime();
                    try {
                        HttpResponse<String> response = http.send(next, HttpResponse.BodyHandlers.ofString());
                        recorder.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
                        long n = response.statusCode() / 100 == 2 ? items.applyAsLong(response) : -1;
                        if (n < 0) {
                            failures.incrementAndGet();
                            remember(firstFailure, response.statusCode() + " " + abbreviate(response.body()));
                        } else {
                            counted.addAndGet(n);
                        }
                    } catch (IOException e) {
                        failures.incrementAndGet();
                        remember(firstFailure, e.toString());
                    } catch (InterruptedException e) {
                        return;
                    }
                    requests.incrementAndGet();
                }
            }, "load-" + c);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Outcome(requests.get(), counted.get(), failures.get(), seconds, recorder.getIntervalHistogram(),
                firstFailure.length() == 0 ? null : firstFailure.toString());
    }

    private static void remember(StringBuilder firstFailure, String failure) {
        synchronized (firstFailure) {
            if (firstFailure.length() == 0) {
                firstFailure.append(failure);
            }
        }
    }

    static String abbreviate(String text) {
        return text == null ? "" : text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private static void sleepNanos(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
