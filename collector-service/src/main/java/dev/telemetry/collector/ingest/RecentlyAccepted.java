package dev.telemetry.collector.ingest;

import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.LongSupplier;

import dev.telemetry.contract.usage.UsageEvent;

/**
 * The (pseudonym, event id) pairs this replica accepted recently, so that a resent event is answered
 * {@code duplicate}. At most {@code capacity} pairs, each for at most {@code ttl}; older ones are forgotten first.
 * Forgetting early is safe (downstream deduplicates exactly); answering {@code duplicate} for a pair that was never
 * accepted would lose an event, so a pair is kept whole: the event id and 128 bits of the pseudonym (an HMAC).
 *
 * <p>
 * Flat {@code long} arrays instead of a cache of objects: at tens of thousands of accepted events a second, a cache
 * entry per event (a key string, a node, a map entry) made every young collection copy and promote the entries of
 * the last second, and a full cache took most of the heap. Arrays of primitives are never traced by the collector.
 * The pairs live in a few generations, each an open-addressing hash table; when the newest is full or older than its
 * share of {@code ttl}, the oldest is cleared and becomes the newest.
 */
final class RecentlyAccepted {

    private static final int GENERATIONS = 4;
    /** Longs per pair: event id (2) and the first 128 bits of the pseudonym (2). */
    private static final int WIDTH = 4;

    private final Generation[] generations = new Generation[GENERATIONS];
    private final int perGeneration;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private int newest;

    RecentlyAccepted(long capacity, Duration ttl) {
        this(capacity, ttl, System::nanoTime);
    }

    RecentlyAccepted(long capacity, Duration ttl, LongSupplier nanoTime) {
        this.perGeneration = (int) Math.max(1, Math.min(Integer.MAX_VALUE / 8, capacity / GENERATIONS));
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
    }

    synchronized boolean contains(String pseudonym, UUID id) {
        long now = nanoTime.getAsLong();
        long p0 = prefix(pseudonym, 0);
        long p1 = prefix(pseudonym, 16);
        for (Generation generation : generations) {
            if (generation != null && now - generation.startedAt < ttlNanos
                    && generation.contains(id.getMostSignificantBits(), id.getLeastSignificantBits(), p0, p1)) {
                return true;
            }
        }
        return false;
    }

    /** Remembers the events of a push once Kafka acknowledged them. */
    synchronized void addAll(List<UsageEvent> accepted) {
        for (UsageEvent event : accepted) {
            UUID id = event.eventId();
            current().add(id.getMostSignificantBits(), id.getLeastSignificantBits(), prefix(event.pseudonym(), 0),
                    prefix(event.pseudonym(), 16));
        }
    }

    /** The generation to add to: a fresh one when the newest is full or has had its share of the ttl. */
    private Generation current() {
        long now = nanoTime.getAsLong();
        Generation current = generations[newest];
        if (current == null || current.size >= perGeneration || now - current.startedAt >= ttlNanos / GENERATIONS) {
            newest = current == null ? newest : (newest + 1) % GENERATIONS;
            Generation reused = generations[newest];
            current = reused == null ? new Generation(perGeneration) : reused.clear();
            current.startedAt = now;
            generations[newest] = current;
        }
        return current;
    }

    /** 64 bits of a pseudonym (64 hex characters) from {@code offset}. */
    private static long prefix(String pseudonym, int offset) {
        return HexFormat.fromHexDigitsToLong(pseudonym, offset, offset + 16);
    }

    /** One open-addressing table (linear probing, at most 3/4 full); a slot of all zeros is empty. */
    private static final class Generation {
        private final long[] slots;
        private final int tableSize;
        private int size;
        private long startedAt;

        Generation(int capacity) {
            this.tableSize = capacity + capacity / 3 + 1;
            this.slots = new long[tableSize * WIDTH];
        }

        Generation clear() {
            Arrays.fill(slots, 0L);
            size = 0;
            return this;
        }

        boolean contains(long a, long b, long c, long d) {
            for (int i = index(a, b, c, d);; i = i + 1 == tableSize ? 0 : i + 1) {
                int at = i * WIDTH;
                if (empty(at)) {
                    return false;
                }
                if (slots[at] == a && slots[at + 1] == b && slots[at + 2] == c && slots[at + 3] == d) {
                    return true;
                }
            }
        }

        void add(long a, long b, long c, long d) {
            if (a == 0 && b == 0 && c == 0 && d == 0) {
                return; // not a real pair (the nil UUID and an all-zero HMAC); never remembered
            }
            for (int i = index(a, b, c, d);; i = i + 1 == tableSize ? 0 : i + 1) {
                int at = i * WIDTH;
                if (empty(at)) {
                    slots[at] = a;
                    slots[at + 1] = b;
                    slots[at + 2] = c;
                    slots[at + 3] = d;
                    size++;
                    return;
                }
                if (slots[at] == a && slots[at + 1] == b && slots[at + 2] == c && slots[at + 3] == d) {
                    return;
                }
            }
        }

        private boolean empty(int at) {
            return slots[at] == 0 && slots[at + 1] == 0 && slots[at + 2] == 0 && slots[at + 3] == 0;
        }

        private int index(long a, long b, long c, long d) {
            long h = a * 0x9E3779B97F4A7C15L ^ b ^ c * 0xC2B2AE3D27D4EB4FL ^ d;
            return (int) Math.floorMod(h ^ h >>> 32, (long) tableSize);
        }
    }
}
