package dev.telemetry.consent;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.telemetry.contract.Topics;
import dev.telemetry.testing.TestDatabase;
import dev.telemetry.testing.TopicReader;

/** What consent-service has published on the consent topic. */
public final class ConsentTopic {

    private ConsentTopic() {
    }

    /**
     * Every record of the consent topic once the outbox is empty. The relay deletes outbox rows only after Kafka
     * acknowledged them, so everything recorded so far, duplicates included, is then below the end offsets.
     */
    public static List<ConsumerRecord<String, String>> afterOutboxDrained() {
        await().atMost(Duration.ofSeconds(60)).until(() -> TestDatabase.count("SELECT count(*) FROM outbox") == 0);
        return TopicReader.readAll(Topics.CONSENT);
    }

    /** The records keyed by {@code pseudonym}, in topic order. */
    public static List<ConsumerRecord<String, String>> of(String pseudonym,
            List<ConsumerRecord<String, String>> records) {
        return records.stream().filter(record -> pseudonym.equals(record.key())).toList();
    }
}
