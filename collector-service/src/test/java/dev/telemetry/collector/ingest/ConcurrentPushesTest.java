package dev.telemetry.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.telemetry.collector.CliMachine;
import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.usage.UsageEvent;
import dev.telemetry.testing.TopicReader;

@QuarkusTest
class ConcurrentPushesTest {

    private static final int MACHINES = 24;
    private static final int EVENTS_PER_PUSH = 500;

    /** Many full pushes in flight at once: each answer counts only its own events, each acknowledged once. */
    @Test
    void manyFullPushesAtOnceAreAllAcceptedAndEachEventIsAppendedOnceUnderItsMachine() throws Exception {
        List<CliMachine> machines = IntStream.range(0, MACHINES).mapToObj(i -> CliMachine.create()
                .optedIn(Instant.now().minus(Duration.ofHours(1)))).toList();
        machines.forEach(CliMachine::awaitProjected);
        Instant captured = Instant.now().minus(Duration.ofMinutes(5));
        List<List<ObjectNode>> pushes = machines.stream().map(machine -> IntStream.range(0, EVENTS_PER_PUSH)
                .mapToObj(i -> machine.event("stop", captured)).toList()).toList();

        ExecutorService clients = Executors.newFixedThreadPool(MACHINES);
        List<Future<Response>> answers = new ArrayList<>();
        try {
            for (List<ObjectNode> push : pushes) {
                answers.add(clients.submit(() -> CliMachine.push(push)));
            }
            for (Future<Response> answer : answers) {
                Response response = answer.get();
                assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
                assertThat(response.jsonPath().getInt("accepted")).isEqualTo(EVENTS_PER_PUSH);
            }
        } finally {
            clients.shutdown();
        }

        Set<String> pseudonyms = machines.stream().map(CliMachine::pseudonym).collect(Collectors.toSet());
        List<ConsumerRecord<String, String>> published = TopicReader.readUntil(Topics.USAGE,
                all -> all.stream().filter(r -> pseudonyms.contains(r.key())).count() >= MACHINES * EVENTS_PER_PUSH,
                Duration.ofSeconds(90));
        for (int i = 0; i < MACHINES; i++) {
            String pseudonym = machines.get(i).pseudonym();
            assertThat(published).filteredOn(r -> pseudonym.equals(r.key()))
                    .extracting(r -> IntegrationJson.read(r.value(), UsageEvent.class).eventId().toString())
                    .containsExactlyInAnyOrder(pushes.get(i).stream().map(e -> e.get("id").asText())
                            .toArray(String[]::new));
        }
    }
}
