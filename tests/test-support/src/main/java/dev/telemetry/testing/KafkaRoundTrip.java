package dev.telemetry.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Test-only channels wired to a topic no real channel uses (configured in this module's
 * META-INF/microprofile-config.properties), for {@link KafkaContractTest}.
 */
@ApplicationScoped
public class KafkaRoundTrip {

    @Inject
    @Channel("smoke-out")
    Emitter<String> out;

    private final List<String> received = new CopyOnWriteArrayList<>();

    public void send(String value) {
        out.send(value).toCompletableFuture().join();
    }

    public List<String> received() {
        return received;
    }

    @Incoming("smoke-in")
    void receive(String value) {
        received.add(value);
    }
}
