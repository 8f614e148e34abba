package dev.telemetry.report.projection;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.telemetry.contract.usage.UsageEvent;
import dev.telemetry.report.projection.UsageRecord.EventKey;

/** A batch's events add up per quarter, cell and machine, whichever strings carry the same values. */
class ContributionsTest {

    private static final String MACHINE = "ab".repeat(32);
    private static final Instant AT = Instant.parse("2026-11-21T10:15:30Z");

    @Test
    void eventsOfOneMachineAddUpInEachOfTheirCells() {
        Contributions contributions = new Contributions();
        contributions.add(event(new String(MACHINE.toCharArray()), "linux", "1.0"), true);
        contributions.add(event(new String(MACHINE.toCharArray()), "linux", "1.1"), false);
        contributions.add(event("cd".repeat(32), "linux", "1.0"), false);

        Map<String, Long> cells = new TreeMap<>();
        contributions.all().forEach(c -> cells.put(c.dimension() + "/" + c.key() + "/" + c.pseudonym().substring(0, 2),
                c.events()));

        assertThat(cells).containsEntry("total/events/ab", 2L).containsEntry("total/events/cd", 1L)
                .containsEntry("os/linux/ab", 2L).containsEntry("build/1.0/ab", 1L).containsEntry("build/1.1/ab", 1L)
                .containsEntry("build/1.0/cd", 1L).containsEntry(CountingRule.SETTLED + "/events/ab", 1L)
                .doesNotContainKey(CountingRule.SETTLED + "/events/cd");
    }

    @Test
    void anEventWithoutOsOrBuildIsAddedUpToo() {
        Contributions contributions = new Contributions();
        contributions.add(event(MACHINE, null, null), false);
        contributions.add(event(MACHINE, null, null), false);

        assertThat(contributions.all()).filteredOn(c -> c.dimension().equals(Aggregates.OS))
                .singleElement().satisfies(c -> assertThat(c.events()).isEqualTo(2L));
    }

    @Test
    void eventKeysAreEqualByValue() {
        UUID id = UUID.randomUUID();
        EventKey key = new EventKey(MACHINE, id);

        assertThat(new EventKey(new String(MACHINE.toCharArray()), new UUID(id.getMostSignificantBits(),
                id.getLeastSignificantBits()))).isEqualTo(key).hasSameHashCodeAs(key);
        assertThat(new EventKey(MACHINE, UUID.randomUUID())).isNotEqualTo(key);
        assertThat(new EventKey("cd".repeat(32), id)).isNotEqualTo(key);
    }

    private static UsageRecord.Countable event(String pseudonym, String os, String build) {
        return UsageRecord.Countable.of(new UsageEvent(UUID.randomUUID(), pseudonym, AT, "stop", os, build, Map.of(),
                AT, "cf-dev@1"));
    }
}
