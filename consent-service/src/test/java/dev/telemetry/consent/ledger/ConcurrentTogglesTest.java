package dev.telemetry.consent.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.telemetry.consent.Machine;
import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.consent.ConsentGrantedMessage;
import dev.telemetry.contract.consent.ConsentMessage;
import dev.telemetry.testing.TestDatabase;
import dev.telemetry.testing.TopicReader;

@QuarkusTest
class ConcurrentTogglesTest {

    @Test
    void fiftyConcurrentTogglesLoseNothingAndLeaveNoVersionGaps() throws Exception {
        Machine machine = Machine.newMachine();
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<Future<Integer>> calls = new ArrayList<>();
        try {
            IntStream.range(0, 50).forEach(i -> calls.add(
                    pool.submit(() -> machine.answer(i % 2 == 0, "toggle").statusCode())));
            for (Future<Integer> call : calls) {
                assertThat(call.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdown();
        }

        List<Map<String, Object>> events = TestDatabase.query(
                "SELECT version, event_type FROM consent_event WHERE stream_id = ? ORDER BY version",
                machine.pseudonym());
        long recorded = events.size();
        assertThat(events).extracting(row -> ((Number) row.get("version")).longValue())
                .containsExactlyElementsOf(LongStream.rangeClosed(1, recorded).boxed().toList());
        // Each recorded event changed the state, so the types alternate.
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).get("event_type")).isNotEqualTo(events.get(i - 1).get("event_type"));
        }
        boolean lastIsGrant = events.get(events.size() - 1).get("event_type").equals(ConsentGrantedMessage.TYPE);
        Map<String, Object> current = machine.current().then().statusCode(200).extract().as(Map.class);
        assertThat(current.get("optIn")).isEqualTo(lastIsGrant);
        assertThat(((Number) current.get("version")).longValue()).isEqualTo(recorded);

        List<ConsumerRecord<String, String>> published = TopicReader.readUntil(Topics.CONSENT,
                records -> ofMachine(records, machine).size() >= recorded, Duration.ofSeconds(60));
        assertThat(ofMachine(published, machine))
                .extracting(message -> IntegrationJson.read(message.value(), ConsentMessage.class).version())
                .containsExactlyElementsOf(LongStream.rangeClosed(1, recorded).boxed().toList());
    }

    private static List<ConsumerRecord<String, String>> ofMachine(List<ConsumerRecord<String, String>> records,
            Machine machine) {
        return records.stream().filter(record -> machine.pseudonym().equals(record.key())).toList();
    }
}
