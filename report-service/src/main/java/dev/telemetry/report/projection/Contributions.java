package dev.telemetry.report.projection;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import dev.telemetry.contract.usage.UsageEvent;
import dev.telemetry.report.projection.UsageRecord.Countable;

/** A batch's contributions, added up in memory: one row per quarter, cell and machine, however many events. */
final class Contributions {

    private record Cell(String quarter, String dimension, String key, String pseudonym) {

        // By hand, as EventKey's: several cells per counted event. An event's os or build may be absent (null).
        @Override
        public int hashCode() {
            return ((quarter.hashCode() * 31 + dimension.hashCode()) * 31 + Objects.hashCode(key)) * 31
                    + pseudonym.hashCode();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Cell cell && Objects.equals(key, cell.key) && dimension.equals(cell.dimension)
                    && pseudonym.equals(cell.pseudonym) && quarter.equals(cell.quarter);
        }
    }

    private final Map<Cell, Long> events = new LinkedHashMap<>();

    /**
     * One event: one more in each of its cells (total, kind, os, build and, for an error, its code), and in the
     * cells the counting rule needs: its day and, if {@code settled}, {@link CountingRule#SETTLED}.
     */
    void add(Countable countable, boolean settled) {
        UsageEvent event = countable.event();
        String quarter = countable.quarter();
        add(quarter, CountingRule.DAY, countable.day(), event.pseudonym());
        if (settled) {
            add(quarter, CountingRule.SETTLED, "events", event.pseudonym());
        }
        add(quarter, Aggregates.TOTAL, "events", event.pseudonym());
        add(quarter, Aggregates.KIND, event.event(), event.pseudonym());
        add(quarter, Aggregates.OS, event.os(), event.pseudonym());
        add(quarter, Aggregates.BUILD, event.build(), event.pseudonym());
        Object code = event.data() == null ? null : event.data().get("code");
        if ("error".equals(event.event()) && code != null) {
            add(quarter, Aggregates.ERROR_CODE, code.toString(), event.pseudonym());
        }
    }

    void add(String quarter, String dimension, String key, String pseudonym) {
        events.merge(new Cell(quarter, dimension, key, pseudonym), 1L, Long::sum);
    }

    boolean isEmpty() {
        return events.isEmpty();
    }

    Collection<Aggregates.Contribution> all() {
        return events.entrySet().stream().map(e -> new Aggregates.Contribution(e.getKey().quarter(),
                e.getKey().dimension(), e.getKey().key(), e.getKey().pseudonym(), e.getValue())).toList();
    }

}
