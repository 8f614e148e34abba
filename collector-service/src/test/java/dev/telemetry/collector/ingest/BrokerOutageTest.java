package dev.telemetry.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.telemetry.collector.CliMachine;
import dev.telemetry.infra.LocalKafka;
import dev.telemetry.testing.RealInfrastructure;

@QuarkusTest
class BrokerOutageTest {

    @Test
    void whileTheLogIsDownPushesGet503AndNothingIsAcceptedThenTheyGoThroughAgain() throws Exception {
        CliMachine machine = CliMachine.create().optedIn(Instant.now().minus(Duration.ofHours(1))).awaitProjected();
        List<ObjectNode> batch = List.of(machine.event("start_begin", Instant.now().minus(Duration.ofMinutes(10))));
        LocalKafka kafka = RealInfrastructure.kafka();

        kafka.stop();
        Response during;
        try {
            during = CliMachine.push(batch);
        } finally {
            kafka.restart();
        }

        during.then().statusCode(503)
                .contentType(equalTo("application/problem+json"))
                .body("type", equalTo("urn:telemetry:problem:log-unavailable"));
        assertThat(during.header("Retry-After")).isEqualTo("30");
        // The client kept the batch and pushes it again once the log is back.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).untilAsserted(
                () -> CliMachine.push(batch).then().statusCode(200).body("accepted", equalTo(1)));
    }
}
