package dev.telemetry.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.telemetry.contract.consent.ConsentGrantedMessage;
import dev.telemetry.contract.consent.ConsentMessage;
import dev.telemetry.contract.consent.ConsentWatermark;
import dev.telemetry.contract.consent.ConsentWithdrawnMessage;
import dev.telemetry.contract.consent.ErasureRequestedMessage;
import dev.telemetry.contract.erasure.ErasureCompleted;
import dev.telemetry.contract.usage.UsageEvent;

/**
 * Freezes the wire form of every integration event: a schema change shows up as a diff of a file under
 * src/test/resources/snapshots. A missing snapshot fails like a changed one; run with -Dsnapshots.update=true to
 * write the snapshots, then review and commit the diff (docs/development.md).
 */
class IntegrationEventSnapshotTest {

    private static final Path SNAPSHOTS = Path.of("src/test/resources/snapshots");
    private static final UUID EVENT_ID = UUID.fromString("0b5c7a52-7c55-4b1e-9a55-2f3cb2d5f3a1");
    private static final UUID RECEIPT = UUID.fromString("6f1d2c3b-4a59-4e8f-8a7b-1c2d3e4f5a6b");
    private static final String PSEUDONYM = "708eea6cc5c48906a9bb54fc66ea6af946e0bff3bdbe740c87cac8a6c057a1ac";
    private static final String VERIFIER = MachineProofs.verifierOf(
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    private static final Instant AT = Instant.parse("2026-11-21T10:15:30.123456Z");

    static Stream<Arguments> events() {
        return Stream.of(
                Arguments.of("consent.granted.v1",
                        new ConsentGrantedMessage(EVENT_ID, PSEUDONYM, 1, AT, "linux", "0.0.1234", "prompt"),
                        ConsentMessage.class),
                Arguments.of("consent.granted.v1-with-proof-verifier",
                        new ConsentGrantedMessage(EVENT_ID, PSEUDONYM, 1, AT, "linux", "0.0.1234", "prompt",
                                VERIFIER),
                        ConsentMessage.class),
                Arguments.of("consent.withdrawn.v1-with-proof-verifier",
                        new ConsentWithdrawnMessage(EVENT_ID, PSEUDONYM, 2, AT, "darwin", "0.0.1234", "toggle",
                                VERIFIER),
                        ConsentMessage.class),
                Arguments.of("consent.withdrawn.v1",
                        new ConsentWithdrawnMessage(EVENT_ID, PSEUDONYM, 2, AT, "darwin", "0.0.1234", "toggle"),
                        ConsentMessage.class),
                Arguments.of("erasure.requested.v1", new ErasureRequestedMessage(EVENT_ID, PSEUDONYM, 3, AT, RECEIPT),
                        ConsentMessage.class),
                Arguments.of("erasure.completed.v1", new ErasureCompleted(EVENT_ID, PSEUDONYM, AT, RECEIPT),
                        ErasureCompleted.class),
                Arguments.of("consent.watermark.v1", new ConsentWatermark(EVENT_ID, AT, 2), ConsentWatermark.class),
                Arguments.of("usage.event.v1", new UsageEvent(EVENT_ID, PSEUDONYM, AT, "start_begin", "linux",
                        "0.0.1234", new java.util.TreeMap<>(java.util.Map.of("cpus", 4, "services", "default")),
                        AT.plusSeconds(60), "cf-dev@1"), UsageEvent.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void wireFormMatchesItsSnapshot(String name, IntegrationEvent event, Class<? extends IntegrationEvent> readAs)
            throws IOException {
        String pretty = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .readTree(IntegrationJson.write(event)).toPrettyString() + "\n";
        Path snapshot = SNAPSHOTS.resolve(name + ".json");
        if (Boolean.getBoolean("snapshots.update")) {
            Files.writeString(snapshot, pretty, StandardCharsets.UTF_8);
        }

        assertThat(snapshot).as("snapshot of %s; accept a new event with -Dsnapshots.update=true", name).exists();

        assertThat(pretty).isEqualTo(Files.readString(snapshot, StandardCharsets.UTF_8));
        assertThat(IntegrationJson.read(Files.readString(snapshot), readAs)).isEqualTo(event);
    }

    @Test
    void readerToleratesFieldsAddedLaterWithinTheSameSchemaVersion() {
        String json = IntegrationJson
                .write(new ConsentGrantedMessage(EVENT_ID, PSEUDONYM, 1, AT, "linux", "1", "prompt"))
                .replace("{", "{\"addedLater\":true,");

        assertThat(IntegrationJson.read(json, ConsentMessage.class)).isInstanceOf(ConsentGrantedMessage.class);
    }

    @Test
    void consentDecisionsWithoutPersonalFieldsOmitThemAndReadBack() {
        ConsentWithdrawnMessage withdrawn = new ConsentWithdrawnMessage(EVENT_ID, PSEUDONYM, 2, AT, null, null, null);

        String json = IntegrationJson.write(withdrawn);

        assertThat(json).doesNotContain("\"os\"").doesNotContain("\"build\"").doesNotContain("\"source\"");
        assertThat(IntegrationJson.read(json, ConsentMessage.class)).isEqualTo(withdrawn);
    }

    @Test
    void readerRefusesNewerSchemaVersionsAndUnknownTypes() {
        String granted = IntegrationJson
                .write(new ConsentGrantedMessage(EVENT_ID, PSEUDONYM, 1, AT, "linux", "1", "prompt"));

        assertThatThrownBy(() -> IntegrationJson.read(granted.replace("\"schemaVersion\":1", "\"schemaVersion\":2"),
                ConsentMessage.class)).isInstanceOf(IntegrationJson.UnreadableEventException.class);
        assertThatThrownBy(() -> IntegrationJson.read(granted.replace("consent.granted", "consent.maybe"),
                ConsentMessage.class)).isInstanceOf(IntegrationJson.UnreadableEventException.class);
    }

    @Test
    void readerRefusesAKnownTypeWithoutItsContent() {
        for (String type : List.of("consent.granted", "consent.withdrawn", "erasure.requested")) {
            assertThatThrownBy(() -> IntegrationJson.read("{\"type\":\"" + type + "\",\"schemaVersion\":1}",
                    ConsentMessage.class)).as(type).isInstanceOf(IntegrationJson.UnreadableEventException.class);
        }
        assertThatThrownBy(() -> IntegrationJson.read("{\"type\":\"usage.event\",\"schemaVersion\":1}",
                UsageEvent.class)).isInstanceOf(IntegrationJson.UnreadableEventException.class);
        assertThatThrownBy(() -> IntegrationJson.read("{\"type\":\"erasure.completed\",\"schemaVersion\":1}",
                ErasureCompleted.class)).isInstanceOf(IntegrationJson.UnreadableEventException.class);
        String grantedWithoutVersion = IntegrationJson
                .write(new ConsentGrantedMessage(EVENT_ID, PSEUDONYM, 1, AT, "linux", "1", "prompt"))
                .replace("\"version\":1,", "");
        assertThatThrownBy(() -> IntegrationJson.read(grantedWithoutVersion, ConsentMessage.class))
                .isInstanceOf(IntegrationJson.UnreadableEventException.class);
    }
}
