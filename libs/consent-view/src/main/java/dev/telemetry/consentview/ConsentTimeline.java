package dev.telemetry.consentview;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A machine's consent events as the collector learned them, in stream order. */
public record ConsentTimeline(long version, List<Entry> entries) {

    public enum Kind {
        GRANTED, WITHDRAWN, ERASED
    }

    public record Entry(Kind kind, Instant at) {
    }

    public static final ConsentTimeline NONE = new ConsentTimeline(0, List.of());

    public ConsentTimeline append(long newVersion, Kind kind, Instant at) {
        List<Entry> next = new ArrayList<>(entries);
        next.add(new Entry(kind, at));
        return new ConsentTimeline(newVersion, List.copyOf(next));
    }
}
