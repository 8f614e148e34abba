package dev.telemetry.client;

import java.net.URI;
import java.util.Objects;

/**
 * What the user is told before being asked, and in {@code telemetry status}: what is collected, that it is anonymous,
 * where the statistics are published and how to turn it off. The version is the consent version of the tool's event
 * catalog: a recorded "yes" covers only the version it was given for, so a new version asks again (as Dart does);
 * a "no" stays a no.
 *
 * @param version the consent version of the event catalog the CLI ships with
 * @param collected what is collected, as one short phrase (e.g. "the commands you run, how long they take and
 *            which errors occur, with your OS and the CLI's version")
 * @param statistics where the quarterly statistics are published
 * @param turnOff the command that turns telemetry off (e.g. {@code cf dev telemetry --off})
 */
public record Disclosure(int version, String collected, URI statistics, String turnOff) {

    public Disclosure {
        Objects.requireNonNull(collected, "collected");
        Objects.requireNonNull(statistics, "statistics");
        Objects.requireNonNull(turnOff, "turnOff");
    }

    /** Three lines, for the prompt and for {@code telemetry status}. */
    public String text() {
        return "We collect anonymous usage data: " + collected + ". No names, paths, addresses or other personal data;"
                + " your machine is known only by a one-way hash.\n"
                + "Aggregate statistics are published every quarter at " + statistics + ".\n"
                + "Turn it off at any time with '" + turnOff + "' or DO_NOT_TRACK=1.";
    }
}
