package dev.telemetry.collector;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.telemetry.contract.IntegrationEvent;
import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Pseudonyms;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.consent.ConsentGrantedMessage;
import dev.telemetry.contract.consent.ConsentWithdrawnMessage;
import dev.telemetry.contract.consent.ErasureRequestedMessage;
import dev.telemetry.testing.TestApiKeys;
import dev.telemetry.testing.TestDatabase;
import dev.telemetry.testing.TopicReader;

/**
 * A simulated CLI installation. Its consent decisions are published on the consent topic exactly as
 * consent-service publishes them; its events are pushed to the collector's HTTP API.
 */
public final class CliMachine {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final String anonymousId;
    private long version;

    private CliMachine(String anonymousId) {
        this.anonymousId = anonymousId;
    }

    public static CliMachine create() {
        try {
            return new CliMachine(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8))));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String anonymousId() {
        return anonymousId;
    }

    public String pseudonym() {
        return Pseudonyms.fromBase64(ConfigProvider.getConfig().getValue("pseudonym.key", String.class))
                .of(anonymousId);
    }

    public CliMachine optedIn(Instant at) {
        return publish(
                new ConsentGrantedMessage(UUID.randomUUID(), pseudonym(), ++version, at, "linux", "0.0.1234",
                        "prompt"));
    }

    public CliMachine optedOut(Instant at) {
        return publish(new ConsentWithdrawnMessage(UUID.randomUUID(), pseudonym(), ++version, at, "linux", "0.0.1234",
                "toggle"));
    }

    public CliMachine erased(Instant at) {
        return publish(new ErasureRequestedMessage(UUID.randomUUID(), pseudonym(), ++version, at, UUID.randomUUID()));
    }

    /**
     * Waits until the collector's projection has applied every consent event of this machine, after a watermark
     * (as consent-service's relay sends once its outbox is empty).
     */
    public CliMachine awaitProjected() {
        TopicReader.consentWatermark(Instant.now());
        long expected = version;
        await().atMost(Duration.ofSeconds(60)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM machine_consent WHERE pseudonym = ? AND version >= ?", pseudonym(),
                expected) == 1);
        return this;
    }

    private CliMachine publish(IntegrationEvent event) {
        TopicReader.send(Topics.CONSENT, pseudonym(), IntegrationJson.write(event));
        return this;
    }

    public ObjectNode event(String kind, Instant timestamp) {
        ObjectNode event = JSON.createObjectNode();
        event.put("id", UUID.randomUUID().toString());
        event.put("event", kind);
        event.put("timestamp", timestamp.toString());
        event.put("anonymousId", anonymousId);
        event.put("os", "linux");
        event.put("build", "0.0.1234");
        event.putObject("data");
        return event;
    }

    public static String batch(List<ObjectNode> events) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode array = body.putArray("events");
        events.forEach(array::add);
        return body.toString();
    }

    public static Response push(List<ObjectNode> events) {
        return push(batch(events));
    }

    public static Response push(String body) {
        return given().auth().oauth2(TestApiKeys.ingest()).contentType(ContentType.JSON).body(body)
                .when().post("/v1/events");
    }
}
