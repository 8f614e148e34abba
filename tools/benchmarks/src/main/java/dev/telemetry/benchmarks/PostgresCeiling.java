package dev.telemetry.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The database's ceiling for consent writes: single-row INSERT transactions (a JSON payload, like a consent event) at
 * the consent load's concurrency, on the suite's own PostgreSQL. {@code pgbench} when it is on the PATH, otherwise a
 * JDBC loop with one connection per client.
 */
final class PostgresCeiling {

    private static final String DATABASE = "benchmarks";
    private static final String INSERT = "INSERT INTO consent_ceiling (anonymous_id, payload) "
            + "VALUES (md5(random()::text), '{\"optIn\": true, \"os\": \"linux\", \"build\": \"1.0.0\"}')";
    private static final Pattern TPS = Pattern.compile("tps = ([\\d.]+)");

    record Figures(String tool, double transactionsPerSecond) {
    }

    private final int port;
    private final String user;
    private final String password;

    PostgresCeiling(int port, String user, String password) {
        this.port = port;
        this.user = user;
        this.password = password;
    }

    void prepare() throws SQLException {
        try (Connection admin = connect("postgres"); Statement statement = admin.createStatement()) {
            if (!admin.createStatement().executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")
                    .next()) {
                statement.execute("CREATE DATABASE " + DATABASE);
            }
        }
        try (Connection connection = connect(DATABASE); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS consent_ceiling (id bigserial PRIMARY KEY, "
                    + "anonymous_id text NOT NULL, payload jsonb NOT NULL, at timestamptz NOT NULL DEFAULT now())");
        }
    }

    Figures measure(int clients, Duration duration) throws IOException, InterruptedException, SQLException {
        return pgbenchAvailable() ? pgbench(clients, duration) : jdbc(clients, duration);
    }

    private static boolean pgbenchAvailable() {
        try {
            return new ProcessBuilder("pgbench", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private Figures pgbench(int clients, Duration duration) throws IOException, InterruptedException {
        Path script = Files.createTempFile("consent-ceiling", ".sql");
        try {
            Files.writeString(script, INSERT + ";\n", StandardCharsets.UTF_8);
            ProcessBuilder builder = new ProcessBuilder("pgbench", "-n", "-h", "127.0.0.1", "-p",
                    Integer.toString(port), "-U", user, "-c", Integer.toString(clients), "-j",
                    Integer.toString(Math.min(clients, 4)), "-T", Long.toString(Math.max(1, duration.toSeconds())),
                    "-f", script.toString(), DATABASE).redirectErrorStream(true);
            builder.environment().put("PGPASSWORD", password);
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Matcher tps = TPS.matcher(output);
            if (process.waitFor() != 0 || !tps.find()) {
                throw new IOException("pgbench failed:\n" + Load.abbreviate(output));
            }
            return new Figures("pgbench", Double.parseDouble(tps.group(1)));
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private Figures jdbc(int clients, Duration duration) throws InterruptedException, SQLException {
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        List<Connection> connections = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            connections.add(connect(DATABASE));
        }
        long start = System.nanoTime();
        for (Connection connection : connections) {
            Thread thread = new Thread(() -> {
                try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                    while (System.nanoTime() < end) {
                        insert.executeUpdate();
                        done.incrementAndGet();
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        for (Connection connection : connections) {
            connection.close();
        }
        return new Figures("JDBC loop", done.get() / seconds);
    }

    private Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, user, password);
    }
}
