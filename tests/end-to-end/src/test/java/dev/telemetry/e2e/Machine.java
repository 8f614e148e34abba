package dev.telemetry.e2e;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.telemetry.client.ClientSettings;
import dev.telemetry.client.TelemetryClient;
import dev.telemetry.client.TelemetryClient.PushOutcome;

/**
 * One simulated CLI installation: the real client library with its own home and machine value, plus the test's own
 * model of what the report must count from it. The model follows the user's choices, never the client's state, so a
 * client that captured while off would show up as a difference.
 */
final class Machine {

    static final Duration PUSH_TIMEOUT = Duration.ofSeconds(10);

    /** An event the report must count. */
    record Counted(Machine machine, String kind, String errorCode) {
    }

    final String name;
    final String os;
    final String build;
    final TelemetryClient client;
    private final Path telemetryHome;
    final List<Counted> counted = new ArrayList<>();
    /** The last answer consent-service recorded: null before any. */
    private Boolean choice;
    private boolean optedIn;
    boolean grantedInQuarter;
    boolean withdrewInQuarter;
    boolean erased;

    Machine(String name, String os, String build, boolean interactive, Path home, URI collector, URI consent,
            String ingestKey, Clock clock) {
        this.name = name;
        this.os = os;
        this.build = build;
        this.telemetryHome = home.resolve(name);
        this.client = TelemetryClient.builder(new ClientSettings(collector, consent, ingestKey, telemetryHome, os,
                build, "CF_DEV_TELEMETRY"))
                // Each simulated machine needs its own ID; the CI's environment must not switch telemetry off.
                .machineValue("e2e-machine-" + name).environment(Map.of()).interactive(interactive).clock(clock)
                .build();
    }

    String anonymousId() {
        return client.anonymousId();
    }

    /** Whether the client has created its installation secret (it does on first need only). */
    boolean hasIdentity() {
        return Files.exists(telemetryHome.resolve("installation-secret"));
    }

    /**
     * The machine's proof, derived from its installation secret exactly as docs/what-we-collect.md says:
     * {@code HMAC-SHA256(secret, "telemetry-proof-v1:" + anonymousId)}.
     */
    String proof() {
        try {
            byte[] secret = HexFormat.of().parseHex(Files.readString(telemetryHome.resolve("installation-secret"))
                    .trim());
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(hmac.doFinal(("telemetry-proof-v1:" + anonymousId())
                    .getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The first-run prompt, answered by a person at a terminal. The answer is recorded locally; the push that
     * follows is what the CLI's background sender does, run here in the foreground so that the test knows it is done.
     */
    void answerPrompt(boolean yes) {
        client.answerPrompt(yes);
        client.push(PUSH_TIMEOUT);
        consentChanged(yes);
    }

    /** {@code telemetry --on}, then its background send. */
    void turnOn() {
        client.turnOn();
        client.push(PUSH_TIMEOUT);
        consentChanged(true);
    }

    /** {@code telemetry --off}, then its background send: {@code telemetry_off} is the last event counted. */
    void turnOff() {
        if (optedIn) {
            counted.add(new Counted(this, "telemetry_off", null));
        }
        client.turnOff();
        client.push(PUSH_TIMEOUT);
        consentChanged(false);
    }

    void use(String kind, Map<String, Object> data) {
        client.capture(kind, data);
        if (optedIn) {
            counted.add(new Counted(this, kind, kind.equals("error") ? (String) data.get("code") : null));
        }
    }

    PushOutcome push() {
        return client.push(PUSH_TIMEOUT);
    }

    /** Pushes until the spool is empty: events answered {@code retry} (consent still on its way) stay spooled. */
    void drain(Instant deadline) throws InterruptedException {
        while (push().kept() > 0) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(name + " still has spooled events: the collector kept answering retry");
            }
            Thread.sleep(500);
        }
    }

    /** {@code telemetry --erase}: nothing of the machine may remain in any unpublished report. Returns the receipt. */
    String requestErasure() {
        String receipt = client.requestErasure(PUSH_TIMEOUT)
                .orElseThrow(() -> new AssertionError(name + ": the erasure request failed"));
        erased = true;
        optedIn = false;
        return receipt;
    }

    /** consent-service records an answer that changes the state; a first "no" counts as an opt-out too. */
    private void consentChanged(boolean yes) {
        if (!Boolean.valueOf(yes).equals(choice)) {
            grantedInQuarter |= yes;
            withdrewInQuarter |= !yes;
        }
        choice = yes;
        optedIn = yes;
    }

    @Override
    public String toString() {
        return name;
    }
}
