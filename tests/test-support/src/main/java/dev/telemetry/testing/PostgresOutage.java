package dev.telemetry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.telemetry.infra.OrphanGuard;

/**
 * Stops the test PostgreSQL server for real ({@code pg_ctl stop -m fast}, as an operator or a crash would leave
 * clients: connections gone, new ones refused) and, on {@link #close()}, starts it again with the same data directory,
 * port and settings, the way the embedded server was started in the first place.
 */
public final class PostgresOutage implements AutoCloseable {

    /** The running postmaster, which changes with every restart. */
    private static long postmaster = -1;
    /** Stops a restarted postmaster if the test JVM dies; {@link RealInfrastructure} closes it when tests end. */
    private static OrphanGuard restartedGuard;

    private final Path pgCtl;
    private final Path dataDirectory;
    private final String options;

    private PostgresOutage(Path pgCtl, Path dataDirectory, String options) {
        this.pgCtl = pgCtl;
        this.dataDirectory = dataDirectory;
        this.options = options;
    }

    /** Stops the server of {@link RealInfrastructure}; close the result to start it again. */
    public static synchronized PostgresOutage begin() {
        if (postmaster < 0) {
            postmaster = RealInfrastructure.postgres().pid();
        }
        ProcessHandle.Info info = ProcessHandle.of(postmaster).orElseThrow().info();
        Path binaries = Path.of(info.command().orElseThrow()).getParent();
        List<String> arguments = List.of(info.arguments().orElseThrow());
        int data = arguments.indexOf("-D");
        List<String> options = new ArrayList<>(arguments);
        options.remove(data + 1);
        options.remove(data);
        PostgresOutage outage = new PostgresOutage(binaries.resolve("pg_ctl"), Path.of(arguments.get(data + 1)),
                String.join(" ", options.stream().map(PostgresOutage::quoted).toList()));
        outage.pgCtl("-D", outage.dataDirectory.toString(), "-m", "fast", "-w", "stop");
        return outage;
    }

    /** Starts the server again and waits until it accepts connections. */
    @Override
    public void close() {
        synchronized (PostgresOutage.class) {
            pgCtl("-D", dataDirectory.toString(), "-o", options, "-w", "start");
            try {
                postmaster = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            releaseGuard();
            restartedGuard = OrphanGuard.watch(postmaster, "INT");
        }
    }

    /** The test infrastructure stops the server normally: the guard must not signal a pid that may be reused. */
    static synchronized void serverStopped() {
        releaseGuard();
        postmaster = -1;
    }

    private static void releaseGuard() {
        if (restartedGuard != null) {
            restartedGuard.close();
            restartedGuard = null;
        }
    }

    private void pgCtl(String... arguments) {
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            // PostgreSQL refuses root; like the embedded server's own start, run it in a user namespace.
            command.addAll(List.of("unshare", "-U"));
        }
        command.add(pgCtl.toString());
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("pg_ctl " + arguments[arguments.length - 1] + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String quoted(String argument) {
        return argument.matches("[A-Za-z0-9_.,:=/+-]+") ? argument : "'" + argument.replace("'", "'\\''") + "'";
    }
}
