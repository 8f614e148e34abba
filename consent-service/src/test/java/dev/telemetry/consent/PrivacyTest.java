package dev.telemetry.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.erasure.ErasureCompleted;
import dev.telemetry.testing.TestDatabase;
import dev.telemetry.testing.TopicReader;

/** The raw anonymous id is pseudonymised before storage: it appears in no table and on no topic. */
@QuarkusTest
class PrivacyTest {

    @Test
    void rawAnonymousIdIsNeitherStoredNorPublished() {
        Machine machine = Machine.newMachine();
        machine.answer(true, "prompt").then().statusCode(200);
        machine.answer(false, "toggle").then().statusCode(200);
        String receipt = machine.requestErasure().then().statusCode(202).extract().path("receipt");
        TopicReader.send(Topics.ERASURES, machine.pseudonym(), IntegrationJson.write(new ErasureCompleted(
                UUID.randomUUID(), machine.pseudonym(), java.time.Instant.now(), UUID.fromString(receipt))));

        List<ConsumerRecord<String, String>> published = ConsentTopic.afterOutboxDrained();

        String database = TestDatabase.dumpAllTables();
        assertThat(database).contains(machine.pseudonym()).doesNotContain(machine.anonymousId());
        assertThat(ConsentTopic.of(machine.pseudonym(), published)).hasSize(3);
        assertThat(published).allSatisfy(record -> {
            assertThat(record.key()).isNotEqualTo(machine.anonymousId());
            assertThat(record.value()).doesNotContain(machine.anonymousId());
        });
    }
}
