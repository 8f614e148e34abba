package dev.telemetry.collector.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.telemetry.collector.CliMachine;
import dev.telemetry.testing.TestApiKeys;

/**
 * What the collector says back about bad input: a {@code detail} that names the offending field or key but never
 * echoes more than a sanitised 40-character fragment of it (README), and 406 for a representation it cannot give.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProblemDetailTest {

    private static final int DOCUMENTED_ECHO = 40;
    /** Client input no 41-character window of which may come back: distinct tokens, markup, an e-mail, a path. */
    private static final String HOSTILE = IntStream.range(0, 12).mapToObj(i -> "tok" + i + "_")
            .reduce("", String::concat) + "<script>alert(1)</script> alice@example.com /home/alice/.cfdev";

    private CliMachine machine;

    @BeforeAll
    void optIn() {
        machine = CliMachine.create().optedIn(Instant.now().minus(Duration.ofHours(2))).awaitProjected();
    }

    static Stream<Arguments> placesWhereInputIsEchoed() {
        return Stream.of(
                Arguments.of("unknown_field", (BiConsumer<ObjectNode, String>) (event, input) -> event.put(input, 1)),
                Arguments.of("unknown_event",
                        (BiConsumer<ObjectNode, String>) (event, input) -> event.put("event", input)),
                Arguments.of("unknown_data_key",
                        (BiConsumer<ObjectNode, String>) (event, input) -> event.putObject("data").put(input, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("placesWhereInputIsEchoed")
    void detailEchoesAtMostASanitisedFortyCharacterFragment(String reason, BiConsumer<ObjectNode, String> defect) {
        ObjectNode event = machine.event("start_begin", Instant.now().minus(Duration.ofMinutes(30)));
        defect.accept(event, HOSTILE);

        String detail = CliMachine.push(List.of(event)).then().statusCode(200)
                .body("results[0].reason", equalTo(reason))
                .extract().path("results[0].detail");

        assertThat(detail).as("the detail names the input").contains(HOSTILE.substring(0, 10));
        for (int start = 0; start + DOCUMENTED_ECHO < HOSTILE.length(); start++) {
            assertThat(detail).doesNotContain(HOSTILE.substring(start, start + DOCUMENTED_ECHO + 1));
        }
        assertThat(detail).doesNotContain("<", ">", "@example", "/home");
    }

    @Test
    void askingForARepresentationTheCollectorCannotGiveIs406() {
        String batch = CliMachine.batch(List.of(machine.event("stop", Instant.now().minus(Duration.ofMinutes(5)))));

        given().auth().oauth2(TestApiKeys.ingest()).contentType(ContentType.JSON).accept("application/xml")
                .body(batch).when().post("/v1/events")
                .then().statusCode(406)
                .contentType(equalTo("application/problem+json"))
                .body("type", equalTo("urn:telemetry:problem:not-acceptable"))
                .body("status", equalTo(406));
    }
}
