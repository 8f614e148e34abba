package dev.telemetry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import dev.telemetry.apikeys.KeyFiles;
import dev.telemetry.contract.Topics;
import dev.telemetry.infra.LocalKafka;
import dev.telemetry.infra.LocalPostgres;
import dev.telemetry.infra.Ports;

/**
 * Starts a real PostgreSQL and a real KRaft Kafka broker, in parallel and on free ports, plus a fresh API-key
 * pair, and points the Quarkus application under test at them. Both servers are stopped when the tests end,
 * and by an orphan guard if the test JVM is killed.
 */
public class RealInfrastructure implements QuarkusTestResourceLifecycleManager {

    /** Config key under which tests find the private key that signs their API keys (see {@link TestApiKeys}). */
    public static final String PRIVATE_KEY_PROPERTY = "test.api-keys.private-key-location";
    /** Config key of a {@code jti} that is on the service's revocation list (see {@link TestApiKeys#revoked()}). */
    public static final String REVOKED_ID_PROPERTY = "test.api-keys.revoked-id";
    public static final String DATABASE = "postgres";

    private static volatile LocalKafka kafka;
    private static volatile LocalPostgres postgres;
    private Path keyDirectory;

    /** The running broker, for tests that stop and restart it. */
    public static LocalKafka kafka() {
        return kafka;
    }

    /** The running database server, for tests that stop and restart it (see {@link PostgresOutage}). */
    public static LocalPostgres postgres() {
        return postgres;
    }

    @Override
    public Map<String, String> start() {
        CompletableFuture<LocalPostgres> pg = CompletableFuture.supplyAsync(() -> {
            try {
                return LocalPostgres.start(null, Ports.free(), null, false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        CompletableFuture<LocalKafka> broker = CompletableFuture.supplyAsync(() -> {
            try {
                return LocalKafka.start(null, Ports.free(), Ports.free(), null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            keyDirectory = Files.createTempDirectory("telemetry-test-keys-");
            KeyFiles.write(KeyFiles.generate(), keyDirectory);
            postgres = pg.join();
            kafka = broker.join();
            kafka.ensureTopics(Topics.settings());
        } catch (IOException | CompletionException e) {
            pg.thenAccept(RealInfrastructure::closeQuietly);
            broker.thenAccept(RealInfrastructure::closeQuietly);
            throw new IllegalStateException("cannot start the test infrastructure", e);
        }

        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl(DATABASE));
        config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl(DATABASE));
        config.put("quarkus.datasource.username", LocalPostgres.USER);
        config.put("quarkus.datasource.password", LocalPostgres.PASSWORD);
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        config.put("mp.jwt.verify.publickey.location", keyDirectory.resolve(KeyFiles.PUBLIC_KEY_FILE).toString());
        config.put(PRIVATE_KEY_PROPERTY, keyDirectory.resolve(KeyFiles.PRIVATE_KEY_FILE).toString());
        String revokedId = UUID.randomUUID().toString();
        config.put("api-keys.revoked", revokedId);
        config.put(REVOKED_ID_PROPERTY, revokedId);
        byte[] pseudonymKey = new byte[32];
        new SecureRandom().nextBytes(pseudonymKey);
        config.put("pseudonym.key", Base64.getEncoder().encodeToString(pseudonymKey));
        return config;
    }

    @Override
    public void stop() {
        closeQuietly(kafka);
        PostgresOutage.serverStopped();
        closeQuietly(postgres);
        kafka = null;
        postgres = null;
    }

    private static void closeQuietly(AutoCloseable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception e) {
            System.err.println("could not stop " + resource + ": " + e);
        }
    }
}
