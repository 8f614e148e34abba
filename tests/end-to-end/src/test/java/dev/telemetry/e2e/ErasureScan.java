package dev.telemetry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.telemetry.contract.MachineProofs;
import dev.telemetry.contract.Pseudonyms;
import dev.telemetry.contract.Topics;
import dev.telemetry.launcher.Suite;

/**
 * After an erasure completed: every table of the three databases and every topic, searched for the machine's
 * pseudonym and its details. What may remain is the tombstone (the erasure request, its receipt, the marker "erased
 * at T" in each consent view, and the verifier of the machine's proof, so that no one else can claim its ID), the types and times of its earlier consent events with their details sealed under a
 * deleted key, and its raw usage events on the usage topic until their retention (documented in
 * docs/architecture.md).
 */
final class ErasureScan {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private final Suite suite;

    ErasureScan(Suite suite) {
        this.suite = suite;
    }

    void assertOnlyTheTombstoneRemains(Machine erased, String receipt) throws Exception {
        String pseudonym = Pseudonyms.fromBase64(suite.pseudonymKey()).of(erased.anonymousId());

        for (String service : Suite.SERVICES) {
            try (Connection db = DriverManager.getConnection(suite.jdbcUrl(service), "postgres", "postgres")) {
                List<String> rows = dump(db);
                assertThat(rows).as("%s: the erased machine's build", service)
                        .noneMatch(row -> row.contains(erased.build));
                Set<String> tables = new TreeSet<>();
                rows.stream().filter(row -> row.contains(pseudonym)).forEach(row -> tables.add(row.split(" ")[0]));
                switch (service) {
                    case "consent-service" -> {
                        assertThat(tables).as("consent tables naming the machine")
                                .isSubsetOf("consent_event", "consent_state", "erasure_receipt", "machine_proof");
                        assertOnlyTheVerifier(db, "stream_id", pseudonym, erased);
                        assertThat(query(db, "SELECT key FROM machine_key WHERE stream_id = ?", pseudonym))
                                .as("its key").isEmpty();
                        assertThat(query(db, "SELECT event_type || ' ' || payload FROM consent_event "
                                + "WHERE stream_id = ?", pseudonym)).isNotEmpty().allMatch(event -> event.matches(
                                        "erasure\\.requested \\{\"receipt\":\"" + receipt + "\"}"
                                                + "|consent\\.(granted|withdrawn) \\{\"sealed\":\"[A-Za-z0-9+/=]+\"}"));
                        assertThat(query(db, "SELECT status || ' ' || pending_erasure FROM consent_state "
                                + "WHERE stream_id = ?", pseudonym)).containsExactly("OPTED_OUT " + receipt);
                    }
                    default -> {
                        if (service.equals("collector-service")) {
                            assertThat(tables).as("collector tables naming the machine")
                                    .containsExactly("machine_consent", "machine_proof");
                            assertOnlyTheVerifier(db, "pseudonym", pseudonym, erased);
                        } else {
                            assertThat(tables).as("%s tables naming the machine", service)
                                    .containsExactly("machine_consent");
                        }
                        assertThat(query(db, "SELECT jsonb_array_length(timeline) || ' ' || (timeline -> 0 ->> 'kind') "
                                + "FROM machine_consent WHERE pseudonym = ?", pseudonym)).containsExactly("1 ERASED");
                    }
                }
            }
        }

        for (ConsumerRecord<String, String> record : readAll(Topics.CONSENT)) {
            if (record.value().contains(pseudonym)) {
                assertThat(record.value()).as("consent message of the erased machine").doesNotContain(erased.build)
                        .doesNotContain("\"os\"").doesNotContain("\"build\"").doesNotContain("\"source\"");
            }
        }
        for (ConsumerRecord<String, String> record : readAll(Topics.ERASURES)) {
            if (record.value().contains(pseudonym)) {
                assertThat(record.value()).contains("erasure.completed").contains(receipt);
            }
        }
        // Its raw events stay on the usage topic until their retention: no longer than a report can need them.
        assertThat(readAll(Topics.USAGE)).as("its raw events").anyMatch(record -> pseudonym.equals(record.key()));
        assertThat(retention(Topics.USAGE)).isEqualTo(Topics.USAGE_RETENTION.toMillis());
    }

    /** The machine's proof verifier row holds the verifier and nothing else. */
    private static void assertOnlyTheVerifier(Connection db, String column, String pseudonym, Machine erased)
            throws SQLException {
        assertThat(query(db, "SELECT verifier FROM machine_proof WHERE " + column + " = ?", pseudonym))
                .containsExactly(MachineProofs.verifierOf(erased.proof()));
    }

    /** Every row of every table, as "table json". */
    private static List<String> dump(Connection db) throws SQLException {
        List<String> rows = new ArrayList<>();
        for (String table : query(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")) {
            for (String json : query(db, "SELECT row_to_json(t)::text FROM \"" + table + "\" t")) {
                rows.add(table + " " + json);
            }
        }
        return rows;
    }

    private static List<String> query(Connection db, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    values.add(result.getString(1));
                }
            }
            return values;
        }
    }

    private List<ConsumerRecord<String, String>> readAll(String topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, suite.kafkaBootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, READ_TIMEOUT).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end");
                }
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    private long retention(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                suite.kafkaBootstrapServers()))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            return Long.parseLong(admin.describeConfigs(List.of(resource)).all().get().get(resource)
                    .get("retention.ms").value());
        }
    }
}
