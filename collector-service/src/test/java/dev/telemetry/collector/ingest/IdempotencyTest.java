package dev.telemetry.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;

import dev.telemetry.collector.CliMachine;
import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.usage.UsageEvent;
import dev.telemetry.testing.TopicReader;

@QuarkusTest
class IdempotencyTest {

    @Test
    void resentBatchIsReportedDuplicateAndAppendedOnlyOnce() {
        CliMachine machine = CliMachine.create().optedIn(Instant.now().minus(Duration.ofHours(1))).awaitProjected();
        Instant earlier = Instant.now().minus(Duration.ofMinutes(30));
        List<ObjectNode> batch = List.of(machine.event("start_begin", earlier), machine.event("start_end", earlier),
                machine.event("stop", earlier));

        CliMachine.push(batch).then().statusCode(200).body("accepted", equalTo(3));
        // The client timed out before it saw the answer and sends the same batch again.
        CliMachine.push(batch).then().statusCode(200)
                .body("accepted", equalTo(0))
                .body("duplicates", equalTo(3))
                .body("results.reason", contains("already_accepted", "already_accepted", "already_accepted"));

        // Both answers came after Kafka acknowledged: whatever either push appended is below the end offsets.
        List<ConsumerRecord<String, String>> published = TopicReader.readAll(Topics.USAGE);
        assertThat(published).filteredOn(r -> machine.pseudonym().equals(r.key()))
                .extracting(r -> IntegrationJson.read(r.value(), UsageEvent.class).eventId().toString())
                .containsExactlyInAnyOrder(batch.stream().map(e -> e.get("id").asText()).toArray(String[]::new));
    }

    @Test
    void sameEventTwiceInOnePushCountsOnce() {
        CliMachine machine = CliMachine.create().optedIn(Instant.now().minus(Duration.ofHours(1))).awaitProjected();
        ObjectNode stop = machine.event("stop", Instant.now().minus(Duration.ofMinutes(30)));

        CliMachine.push(List.of(stop, stop)).then().statusCode(200)
                .body("results.status", contains("accepted", "duplicate"))
                .body("results[1].reason", equalTo("duplicate_in_batch"));
    }
}
