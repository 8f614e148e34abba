package dev.telemetry.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server (the zonky embedded binaries, no Docker) bound to loopback. Keeps its data when
 * given a data directory that already holds a cluster, so a local suite survives restarts.
 */
public final class LocalPostgres implements AutoCloseable {

    public static final String USER = "postgres";
    /** Local clusters use trust authentication; the password only satisfies clients that insist on one. */
    public static final String PASSWORD = "postgres";

    private final EmbeddedPostgres server;
    private final long pid;
    private final OrphanGuard guard;
    private final Path directory;
    private final Path logFile;
    private final boolean durable;

    private LocalPostgres(EmbeddedPostgres server, long pid, Path directory, Path logFile, boolean durable) {
        this.server = server;
        this.pid = pid;
        this.directory = directory;
        this.logFile = logFile;
        this.durable = durable;
        // SIGINT is PostgreSQL's "fast shutdown": clients are gone with the JVM anyway.
        this.guard = OrphanGuard.watch(pid, "INT");
    }

    /**
     * @param dataDirectory where the cluster lives; {@code null} for a throw-away cluster in a temp directory
     * @param logFile where the server writes its log; {@code null} to discard it
     * @param durable fsync and synchronous commit on (the launcher); off trades crash safety for test speed
     */
    public static LocalPostgres start(Path dataDirectory, int port, Path logFile, boolean durable)
            throws IOException {
        boolean throwAway = dataDirectory == null;
        Path directory = (throwAway ? Files.createTempDirectory("telemetry-pg-") : dataDirectory).toAbsolutePath();
        Files.createDirectories(directory);
        ProcessBuilder.Redirect log = logFile == null
                ? ProcessBuilder.Redirect.DISCARD
                : ProcessBuilder.Redirect.appendTo(logFile.toFile());
        EmbeddedPostgres server = EmbeddedPostgres.builder()
                .setDataDirectory(directory)
                .setCleanDataDirectory(throwAway)
                .setPort(port)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200")
                .setServerConfig("fsync", durable ? "on" : "off")
                .setServerConfig("synchronous_commit", durable ? "on" : "off")
                .setOutputRedirector(log)
                .setErrorRedirector(log)
                .start();
        long pid = Long.parseLong(Files.readAllLines(directory.resolve("postmaster.pid")).get(0).trim());
        return new LocalPostgres(server, pid, directory, logFile, durable);
    }

    /** The postmaster's process id. */
    public long pid() {
        return pid;
    }

    public int port() {
        return server.getPort();
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    public String reactiveUrl(String database) {
        return "postgresql://127.0.0.1:" + port() + "/" + database;
    }

    public void createDatabaseIfMissing(String database) {
        if (!database.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain database name: " + database);
        }
        try (Connection connection = server.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            try (ResultSet existing = statement
                    .executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                if (existing.next()) {
                    return;
                }
            }
            statement.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + database, e);
        }
    }

    /**
     * PostgreSQL's immediate shutdown ({@code SIGQUIT} to the postmaster): every backend is killed, nothing is
     * checkpointed, the next start runs crash recovery, as after a power cut. Returns once the server has exited; this
     * object is spent, {@link #restart()} gives the next one.
     */
    public void crash() throws IOException {
        guard.close();
        Signals.send(pid, "QUIT");
        if (!Signals.awaitExit(pid, Duration.ofSeconds(30))) {
            throw new IOException("PostgreSQL (pid " + pid + ") did not exit after an immediate shutdown");
        }
        try {
            server.close(); // releases the data directory's lock; its pg_ctl stop finds nothing left to stop
        } catch (IOException | RuntimeException alreadyGone) {
            // expected: the server is gone
        }
    }

    /** Starts the server again on the same port and data (after {@link #crash()}): crash recovery runs first. */
    public LocalPostgres restart() throws IOException {
        return start(directory, port(), logFile, durable);
    }

    @Override
    public void close() throws IOException {
        guard.close();
        server.close();
    }
}
