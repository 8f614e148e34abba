package dev.telemetry.consent.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.telemetry.consent.ConsentTopic;
import dev.telemetry.consent.Machine;
import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.consent.ConsentGrantedMessage;
import dev.telemetry.contract.consent.ConsentMessage;
import dev.telemetry.contract.consent.ConsentWithdrawnMessage;
import dev.telemetry.testing.TestDatabase;

@QuarkusTest
class ConcurrentTogglesTest {

    /** One PUT: what was asked and what the service answered. */
    private record Answer(boolean asked, int status, boolean optIn, long version, Instant since) {

        static Answer of(boolean asked, Response response) {
            if (response.statusCode() != 200) {
                return new Answer(asked, response.statusCode(), false, 0, null);
            }
            return new Answer(asked, 200, response.path("optIn"), ((Number) response.path("version")).longValue(),
                    Instant.parse(response.path("since")));
        }
    }

    @Test
    void fiftyConcurrentTogglesLoseNothingAndLeaveNoVersionGaps() throws Exception {
        Machine machine = Machine.newMachine();
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<Future<Answer>> calls = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                boolean optIn = i % 2 == 0;
                calls.add(pool.submit(() -> Answer.of(optIn, machine.answer(optIn, "toggle"))));
            }
        } finally {
            pool.shutdown();
        }
        List<Answer> answers = new ArrayList<>();
        for (Future<Answer> call : calls) {
            answers.add(call.get());
        }

        List<Map<String, Object>> events = TestDatabase.query(
                "SELECT version, event_type, recorded_at FROM consent_event WHERE stream_id = ? ORDER BY version",
                machine.pseudonym());
        long recorded = events.size();
        assertThat(events).extracting(row -> ((Number) row.get("version")).longValue())
                .containsExactlyElementsOf(LongStream.rangeClosed(1, recorded).boxed().toList());
        // Each recorded event changed the state, so the types alternate.
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).get("event_type")).isNotEqualTo(events.get(i - 1).get("event_type"));
        }

        // Every answer is the state the ledger holds at the version it names: a write answered but lost, or
        // answered with another writer's state, shows up here.
        Map<Long, Map<String, Object>> byVersion = events.stream()
                .collect(Collectors.toMap(row -> ((Number) row.get("version")).longValue(), Function.identity()));
        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.optIn()).as("the answer is the state that was asked for").isEqualTo(answer.asked());
            Map<String, Object> row = byVersion.get(answer.version());
            assertThat(row).as("ledger row of answered version %d", answer.version()).isNotNull();
            assertThat(row.get("event_type"))
                    .isEqualTo(answer.optIn() ? ConsentGrantedMessage.TYPE : ConsentWithdrawnMessage.TYPE);
            assertThat(answer.since()).isEqualTo(((Timestamp) row.get("recorded_at")).toInstant());
        });

        boolean lastIsGrant = events.get(events.size() - 1).get("event_type").equals(ConsentGrantedMessage.TYPE);
        Map<String, Object> current = machine.current().then().statusCode(200).extract().as(Map.class);
        assertThat(current.get("optIn")).isEqualTo(lastIsGrant);
        assertThat(((Number) current.get("version")).longValue()).isEqualTo(recorded);

        List<ConsentMessage> published = ConsentTopic.of(machine.pseudonym(), ConsentTopic.afterOutboxDrained())
                .stream().map(record -> IntegrationJson.read(record.value(), ConsentMessage.class)).toList();
        assertThat(published).extracting(ConsentMessage::version)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, recorded).boxed().toList());
    }
}
