package dev.telemetry.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Simulated CLIs used as people use them, a few threads at a time: mostly commands that push events, sometimes
 * {@code --off} and {@code --on} again, and one {@code --erase} per run. Each thread owns its own CLIs.
 */
final class Load implements AutoCloseable {

    /** Between two commands of one thread: keeps the load small on a shared machine (pacing, not a wait). */
    private static final long PACE_MILLIS = 20;

    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger erasuresLeft = new AtomicInteger(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    Load(List<SimulatedCli> fleet, int threadCount, long seed) {
        for (int t = 0; t < threadCount; t++) {
            List<SimulatedCli> own = new ArrayList<>();
            for (int i = t; i < fleet.size(); i += threadCount) {
                own.add(fleet.get(i));
            }
            Random random = new Random(seed + t);
            Thread thread = new Thread(() -> drive(own, random), "load-" + t);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    private void drive(List<SimulatedCli> own, Random random) {
        try {
            while (running.get()) {
                SimulatedCli cli = own.get(random.nextInt(own.size()));
                int dice = random.nextInt(100);
                if (!cli.optedIn()) {
                    if (dice < 30 && !cli.erased()) {
                        cli.turnOn();
                    } else {
                        cli.push();
                    }
                } else if (dice < 6) {
                    cli.turnOff();
                } else if (dice < 8 && erasuresLeft.getAndDecrement() > 0) {
                    if (!cli.erase()) {
                        erasuresLeft.incrementAndGet(); // not settled yet, or consent-service unreachable
                    }
                } else {
                    cli.command(random);
                }
                Thread.sleep(PACE_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | AssertionError e) {
            failure.compareAndSet(null, e);
        }
    }

    /** Stops every thread after its current command; rethrows what broke a thread. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join(60_000);
        }
        if (failure.get() != null) {
            throw new AssertionError("a simulated CLI failed", failure.get());
        }
    }
}
