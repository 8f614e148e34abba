package dev.telemetry.report.reporting;

import java.time.Duration;
import java.util.List;

/** A configured duration as the published methodology prints it: "2 minutes", "1 hour", "90 seconds". */
final class DurationWords {

    private record Unit(Duration length, String singular) {
    }

    /** Largest first; the first that states the duration exactly is used. */
    private static final List<Unit> UNITS = List.of(new Unit(Duration.ofDays(1), "day"),
            new Unit(Duration.ofHours(1), "hour"), new Unit(Duration.ofMinutes(1), "minute"),
            new Unit(Duration.ofSeconds(1), "second"));
    private static final Unit MILLISECOND = new Unit(Duration.ofMillis(1), "millisecond");

    private DurationWords() {
    }

    static String of(Duration duration) {
        Unit unit = duration.isZero()
                ? UNITS.get(UNITS.size() - 1)
                : UNITS.stream().filter(candidate -> duration.toMillis() % candidate.length().toMillis() == 0)
                        .findFirst().orElse(MILLISECOND);
        long amount = duration.toMillis() / unit.length().toMillis();
        return amount + " " + unit.singular() + (amount == 1 ? "" : "s");
    }
}
