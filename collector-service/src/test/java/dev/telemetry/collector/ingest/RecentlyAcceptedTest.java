package dev.telemetry.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.telemetry.contract.usage.UsageEvent;

class RecentlyAcceptedTest {

    private static final String MACHINE = "708eea6cc5c48906a9bb54fc66ea6af946e0bff3bdbe740c87cac8a6c057a1ac";
    /** Another machine whose pseudonym differs from MACHINE's only in its 128th bit. */
    private static final String OTHER = "708eea6cc5c48906a9bb54fc66ea6af846e0bff3bdbe740c87cac8a6c057a1ac";

    private final AtomicLong nanos = new AtomicLong();

    @Test
    void remembersThePairsItWasGivenAndNoOther() {
        RecentlyAccepted recent = new RecentlyAccepted(1_000, Duration.ofHours(24), nanos::get);
        UUID id = UUID.randomUUID();

        recent.addAll(List.of(accepted(MACHINE, id)));

        assertThat(recent.contains(MACHINE, id)).isTrue();
        assertThat(recent.contains(MACHINE, UUID.randomUUID())).isFalse();
        assertThat(recent.contains(OTHER, id)).as("another machine, same id").isFalse();
        assertThat(recent.contains(MACHINE, new UUID(id.getMostSignificantBits(), ~id.getLeastSignificantBits())))
                .isFalse();
    }

    @Test
    void forgetsTheOldestFirstWhenFullAndNothingWithinItsCapacity() {
        RecentlyAccepted recent = new RecentlyAccepted(4_000, Duration.ofHours(24), nanos::get);
        List<UUID> ids = IntStream.range(0, 10_000).mapToObj(i -> UUID.randomUUID()).toList();

        ids.forEach(id -> recent.addAll(List.of(accepted(MACHINE, id))));

        assertThat(ids.subList(ids.size() - 3_000, ids.size())).allMatch(id -> recent.contains(MACHINE, id));
        assertThat(ids.subList(0, 5_000)).noneMatch(id -> recent.contains(MACHINE, id));
    }

    @Test
    void tellsApartIdsThatDifferInTheirLastBitsOnly() {
        RecentlyAccepted recent = new RecentlyAccepted(40_000, Duration.ofHours(24), nanos::get);
        List<UUID> sequential = IntStream.range(0, 8_000).mapToObj(i -> new UUID(42, i)).toList();

        recent.addAll(sequential.stream().map(id -> accepted(MACHINE, id)).toList());

        assertThat(sequential).allMatch(id -> recent.contains(MACHINE, id));
        assertThat(IntStream.range(8_000, 16_000).mapToObj(i -> new UUID(42, i)))
                .noneMatch(id -> recent.contains(MACHINE, id));
        assertThat(sequential).noneMatch(id -> recent.contains(OTHER, id));
    }

    @Test
    void keepsEachMachineOfAPushThatMixesMachines() {
        RecentlyAccepted recent = new RecentlyAccepted(1_000, Duration.ofHours(24), nanos::get);
        List<UUID> ids = IntStream.range(0, 6).mapToObj(i -> UUID.randomUUID()).toList();

        recent.addAll(List.of(accepted(MACHINE, ids.get(0)), accepted(OTHER, ids.get(1)), accepted(OTHER, ids.get(2)),
                accepted(MACHINE, ids.get(3))));

        assertThat(recent.contains(MACHINE, ids.get(0))).isTrue();
        assertThat(recent.contains(OTHER, ids.get(0))).isFalse();
        assertThat(recent.contains(OTHER, ids.get(1))).isTrue();
        assertThat(recent.contains(MACHINE, ids.get(2))).isFalse();
        assertThat(recent.contains(OTHER, ids.get(2))).isTrue();
        assertThat(recent.contains(MACHINE, ids.get(3))).isTrue();
        assertThat(recent.contains(MACHINE, ids.get(4))).isFalse();
    }

    @Test
    void forgetsAPairOnceItsTimeIsUp() {
        RecentlyAccepted recent = new RecentlyAccepted(1_000, Duration.ofHours(24), nanos::get);
        UUID id = UUID.randomUUID();
        recent.addAll(List.of(accepted(MACHINE, id)));

        nanos.addAndGet(Duration.ofHours(23).toNanos());
        assertThat(recent.contains(MACHINE, id)).isTrue();
        nanos.addAndGet(Duration.ofHours(1).toNanos());
        assertThat(recent.contains(MACHINE, id)).isFalse();
    }

    private static UsageEvent accepted(String pseudonym, UUID id) {
        Instant now = Instant.parse("2026-11-21T10:15:30Z");
        return new UsageEvent(id, pseudonym, now, "stop", "linux", "1", Map.of(), now, "cf-dev@1");
    }
}
