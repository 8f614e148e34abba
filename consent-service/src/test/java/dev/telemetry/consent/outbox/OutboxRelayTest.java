package dev.telemetry.consent.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.telemetry.consent.Machine;
import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.consent.ConsentMessage;
import dev.telemetry.contract.consent.ConsentWatermark;
import dev.telemetry.testing.TestDatabase;
import dev.telemetry.testing.TopicReader;

@QuarkusTest
class OutboxRelayTest {

    @Test
    void everyEventReachesTheTopicExactlyOnceInOrderAndLeavesTheOutbox() {
        Machine machine = Machine.newMachine();
        machine.answer(true, "prompt");
        machine.answer(false, "toggle");
        machine.answer(false, "toggle");
        machine.requestErasure();

        List<ConsentMessage> messages = messagesOf(machine, 3);

        assertThat(messages).extracting(ConsentMessage::version).containsExactly(1L, 2L, 3L);
        assertThat(messages).extracting(ConsentMessage::eventId).doesNotHaveDuplicates()
                .containsExactlyElementsOf(eventIdsInStore(machine));
        await().atMost(Duration.ofSeconds(10)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM outbox WHERE message_key = ?", machine.pseudonym()) == 0);
    }

    @Test
    void crashBetweenSendAndDeleteResendsTheSameEventsWithTheSameIds() {
        Machine machine = Machine.newMachine();
        machine.answer(true, "prompt");
        machine.answer(false, "toggle");
        List<ConsentMessage> sent = messagesOf(machine, 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM outbox WHERE message_key = ?", machine.pseudonym()) == 0);

        // The state a relay leaves when it dies after Kafka acknowledged but before it deleted the rows.
        for (ConsentMessage message : sent) {
            TestDatabase.execute("INSERT INTO outbox (event_id, topic, message_key, payload) VALUES (?, ?, ?, ?)",
                    message.eventId(), Topics.CONSENT, machine.pseudonym(), IntegrationJson.write(message));
        }

        List<ConsentMessage> afterRestart = messagesOf(machine, 4);
        assertThat(afterRestart).extracting(ConsentMessage::version).containsExactly(1L, 2L, 1L, 2L);
        assertThat(afterRestart.subList(2, 4)).extracting(ConsentMessage::eventId)
                .containsExactlyElementsOf(sent.stream().map(ConsentMessage::eventId).toList());
        assertThat(afterRestart).containsAll(sent);
    }

    @Test
    void onceTheOutboxIsEmptyEveryPartitionGetsAWatermarkPastTheLastEvent() {
        Machine machine = Machine.newMachine();
        machine.answer(true, "prompt");
        ConsentMessage recorded = messagesOf(machine, 1).get(0);

        List<ConsumerRecord<String, String>> records = TopicReader.readUntil(Topics.CONSENT,
                all -> partitionsWithWatermarkAfter(all, recorded.occurredAt()) == 3, Duration.ofSeconds(60));

        assertThat(partitionsWithWatermarkAfter(records, recorded.occurredAt())).isEqualTo(3);
    }

    private static long partitionsWithWatermarkAfter(List<ConsumerRecord<String, String>> records,
            java.time.Instant after) {
        return records.stream()
                .filter(r -> ConsentWatermark.TYPE.equals(IntegrationJson.type(r.value())))
                .filter(r -> IntegrationJson.read(r.value(), ConsentWatermark.class).occurredAt().isAfter(after))
                .map(ConsumerRecord::partition).distinct().count();
    }

    private static List<ConsentMessage> messagesOf(Machine machine, int expected) {
        List<ConsumerRecord<String, String>> records = TopicReader.readUntil(Topics.CONSENT,
                all -> all.stream().filter(r -> machine.pseudonym().equals(r.key())).count() >= expected,
                Duration.ofSeconds(60));
        return records.stream().filter(r -> machine.pseudonym().equals(r.key()))
                .map(r -> IntegrationJson.read(r.value(), ConsentMessage.class)).toList();
    }

    private static List<UUID> eventIdsInStore(Machine machine) {
        return TestDatabase.query("SELECT event_id FROM consent_event WHERE stream_id = ? ORDER BY version",
                machine.pseudonym()).stream().map(row -> (UUID) row.get("event_id")).toList();
    }

}
