package dev.telemetry.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.telemetry.client.TelemetryClient.PushOutcome;
import dev.telemetry.client.TelemetryClient.State;

/**
 * Every switch that turns telemetry off, in the documented order, each explained by {@code telemetry status}; and
 * when off, the client writes nothing, starts nothing and connects to nothing, whatever the CLI calls.
 */
class SwitchesTest extends AgainstStandInServices {

    static Stream<Arguments> switchesThatTurnItOff() {
        return Stream.of(
                Arguments.of("the organisation's variable",
                        "turned off by your organisation (DEV_TELEMETRY_POLICY=off)",
                        (Consumer<Fixture>) f -> f.environment.put("DEV_TELEMETRY_POLICY", "off")),
                Arguments.of("the organisation's file, every tool", "turned off by your organisation's policy file",
                        (Consumer<Fixture>) f -> write(f.policyFile, "telemetry=off\n")),
                Arguments.of("the organisation's file, this tool", "turned off by your organisation's policy file",
                        (Consumer<Fixture>) f -> write(f.policyFile, "CF_DEV_TELEMETRY = false\n")),
                Arguments.of("the project's committed file", "turned off for this project by",
                        (Consumer<Fixture>) f -> write(f.project.getParent().resolve(".dev-telemetry"),
                                "# committed: no telemetry from this repository\ntelemetry=off\n")),
                Arguments.of("DO_NOT_TRACK", "DO_NOT_TRACK is set",
                        (Consumer<Fixture>) f -> f.environment.put("DO_NOT_TRACK", "1")),
                Arguments.of("the tool's switch", "CF_DEV_TELEMETRY=0",
                        (Consumer<Fixture>) f -> f.environment.put("CF_DEV_TELEMETRY", "0")),
                Arguments.of("CI", "a CI environment was detected (GITHUB_ACTIONS is set)",
                        (Consumer<Fixture>) f -> f.environment.put("GITHUB_ACTIONS", "true")));
    }

    /**
     * A user who had opted in, with events spooled, in a read-only HOME: once a switch says off, nothing the CLI
     * calls writes a file, starts a process or connects (the stand-in services record any request).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("switchesThatTurnItOff")
    void offMeansNothingCapturedNoFileWrittenNoProcessNoConnection(String name, String reason,
            Consumer<Fixture> turnOff) throws IOException {
        TelemetryClient earlier = fixture.client(services.uri(), true);
        earlier.answerPrompt(true);
        earlier.capture("start_begin", Map.of());
        turnOff.accept(fixture);
        makeReadOnly(fixture.home);
        Map<String, String> untouched = fixture.snapshot();

        Set<Long> before = Fixture.children();
        TelemetryClient client = fixture.client(services.uri(), true);
        boolean asked = client.shouldPrompt();
        client.answerPrompt(true);
        client.turnOn();
        client.capture("stop", Map.of());
        client.turnOff();
        client.sendInBackground();
        PushOutcome pushed = client.push(Duration.ofSeconds(5));

        assertThat(asked).isFalse();
        assertThat(client.status().state()).isEqualTo(State.OFF);
        assertThat(client.status().reason()).startsWith(reason);
        assertThat(client.status().describe()).startsWith("Telemetry is off: " + reason);
        assertThat(pushed).isEqualTo(new PushOutcome(0, 1));
        assertThat(fixture.snapshot()).as("no file written or changed").isEqualTo(untouched);
        assertThat(Fixture.children()).as("no sender process").isSubsetOf(before);
        assertThat(services.targets).as("no connection").isEmpty();
    }

    @Test
    void theOrganisationWinsOverTheToolSwitchAndTheProjectOverDoNotTrack() {
        fixture.environment.put("CF_DEV_TELEMETRY", "on");
        write(fixture.policyFile, "telemetry=off\n");
        assertThat(fixture.client(services.uri(), true).status().reason())
                .startsWith("turned off by your organisation's policy file");

        write(fixture.policyFile, "telemetry=on\n");
        assertThat(fixture.client(services.uri(), true).status().state()).as("a policy can only turn it off")
                .isEqualTo(State.ON);

        fixture.environment.put("DO_NOT_TRACK", "1");
        write(fixture.project.resolve(".dev-telemetry"), "CF_DEV_TELEMETRY=off\n");
        assertThat(fixture.client(services.uri(), true).status().reason()).startsWith("turned off for this project");
    }

    @Test
    void inCiNobodyIsAskedAndOnlyTheToolSwitchTurnsItOn() {
        fixture.environment.put("CI", "true");
        TelemetryClient inCi = fixture.client(services.uri(), true);
        assertThat(inCi.shouldPrompt()).isFalse();
        assertThat(inCi.status().state()).isEqualTo(State.OFF);

        fixture.environment.put("CF_DEV_TELEMETRY", "on");
        TelemetryClient explicitlyOn = fixture.client(services.uri(), true);
        explicitlyOn.capture("start_begin", Map.of());

        assertThat(explicitlyOn.shouldPrompt()).isFalse();
        assertThat(explicitlyOn.status().reason()).isEqualTo("turned on by CF_DEV_TELEMETRY=on");
        assertThat(explicitlyOn.push(Duration.ofSeconds(5))).isEqualTo(new PushOutcome(1, 0));
        assertThat(services.calls).as("the switch counts as the opt-in").containsExactly("consent true", "push");
    }

    @Test
    void doNotTrackZeroAndCiFalseDoNotTurnItOff() {
        fixture.environment.put("DO_NOT_TRACK", "0");
        fixture.environment.put("CI", "false");

        assertThat(fixture.client(services.uri(), true).shouldPrompt()).isTrue();
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Read-only for anyone but root, who runs these tests here: the snapshot is what proves nothing was written. */
    private static void makeReadOnly(Path home) throws IOException {
        try (Stream<Path> files = Files.list(home)) {
            for (Path file : files.toList()) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
            }
        }
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("r-x------"));
    }
}
