package dev.telemetry.collector.ingest;

import java.util.Map;

/** Human-readable details for the consent rule's reason codes. */
final class ConsentReasons {

    private static final Map<String, String> DETAILS = Map.of(
            "no_consent", "this machine had not opted in to telemetry when the event was captured",
            "after_opt_out", "the event was captured after this machine opted out",
            "late_after_opt_out", "the machine opted out and the grace period for sending earlier events has passed",
            "erased", "this machine asked for its data to be erased",
            "consent_pending", "this machine's consent has not reached the collector yet; push again later");

    private ConsentReasons() {
    }

    static String detail(String reason) {
        return DETAILS.getOrDefault(reason, reason);
    }
}
