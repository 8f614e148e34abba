package dev.telemetry.infra;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Stops a child process when this JVM dies, even by SIGKILL, when no shutdown hook runs. A tiny shell
 * loop watches this JVM's pid and signals the child once it is gone.
 */
public final class OrphanGuard implements AutoCloseable {

    private final Process watcher;

    private OrphanGuard(Process watcher) {
        this.watcher = watcher;
    }

    /** @param signal the signal that makes the child shut down cleanly, e.g. {@code INT} for PostgreSQL */
    public static OrphanGuard watch(long childPid, String signal) {
        long self = ProcessHandle.current().pid();
        String script = "while kill -0 " + self + " 2>/dev/null; do sleep 1; done; kill -" + signal + " " + childPid
                + " 2>/dev/null";
        try {
            Process watcher = new ProcessBuilder("sh", "-c", script)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return new OrphanGuard(watcher);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the orphan guard for pid " + childPid, e);
        }
    }

    /** The child is being stopped normally: the guard must not signal a pid that may be reused later. */
    @Override
    public void close() {
        watcher.destroy();
    }
}
