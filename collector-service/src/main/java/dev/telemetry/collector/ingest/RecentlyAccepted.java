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
    /** The pseudonym last looked up, read once: a push's events are usually one machine's. */
    private String lastPseudonym;
    private long lastC;
    private long lastD;

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
        long a = id.getMostSignificantBits();
        long b = id.getLeastSignificantBits();
        if (!pseudonym.equals(lastPseudonym)) {
            lastC = prefix(pseudonym, 0);
            lastD = prefix(pseudonym, 16);
            lastPseudonym = pseudonym;
        }
        long c = lastC;
        long d = lastD;
        long hash = hash(a, b, c, d);
        for (Generation generation : generations) {
            if (generation != null && now - generation.startedAt < ttlNanos
                    && generation.contains(hash, a, b, c, d)) {
                return true;
            }
        }
        return false;
    }

    /** Remembers the events of a push once Kafka acknowledged them. */
    synchronized void addAll(List<UsageEvent> accepted) {
        String pseudonym = null;
        long c = 0;
        long d = 0;
        for (UsageEvent event : accepted) {
            if (!event.pseudonym().equals(pseudonym)) {
                pseudonym = event.pseudonym();
                c = prefix(pseudonym, 0);
                d = prefix(pseudonym, 16);
            }
            UUID id = event.eventId();
            long a = id.getMostSignificantBits();
            long b = id.getLeastSignificantBits();
            current().add(hash(a, b, c, d), a, b, c, d);
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

    /** Every bit of the pair moves every bit of the hash (MurmurHash3's finaliser), so both halves may be used. */
    private static long hash(long a, long b, long c, long d) {
        long h = ((a * 0x9E3779B97F4A7C15L ^ b) * 0xC2B2AE3D27D4EB4FL ^ c) * 0x9E3779B97F4A7C15L ^ d;
        h = (h ^ h >>> 33) * 0xFF51AFD7ED558CCDL;
        h = (h ^ h >>> 33) * 0xC4CEB9FE1A85EC53L;
        return h ^ h >>> 33;
    }

    /**
     * One open-addressing table (linear probing, at most half full) of slots that point into the pairs, which are
     * stored densely in the order they were added. A slot is two ints side by side: a 32-bit tag (zero: empty) and
     * the pair's number. Most lookups are for new events, and a miss passes about 2.5 slots on average at half full
     * (8.5 at the 3/4 of pairs stored in the slots themselves, for the same 48 bytes per pair); a pair is read only
     * where its tag matches.
     */
    private static final class Generation {
        private final int[] slots;
        private final long[] pairs;
        private final int tableSize;
        private int size;
        private long startedAt;

        Generation(int capacity) {
            this.tableSize = 2 * capacity + 1;
            this.slots = new int[2 * tableSize];
            this.pairs = new long[capacity * WIDTH];
        }

        Generation clear() {
            Arrays.fill(slots, 0);
            size = 0;
            return this;
        }

        boolean contains(long hash, long a, long b, long c, long d) {
            int tag = tag(hash);
            for (int i = index(hash);; i = i + 1 == tableSize ? 0 : i + 1) {
                int slotTag = slots[2 * i];
                if (slotTag == 0) {
                    return false;
                }
                if (slotTag == tag && holds(slots[2 * i + 1] * WIDTH, a, b, c, d)) {
                    return true;
                }
            }
        }

        /** Adds the pair if absent; the caller keeps {@code size} below the capacity. */
        void add(long hash, long a, long b, long c, long d) {
            int tag = tag(hash);
            for (int i = index(hash);; i = i + 1 == tableSize ? 0 : i + 1) {
                int slotTag = slots[2 * i];
                if (slotTag == 0) {
                    slots[2 * i] = tag;
                    slots[2 * i + 1] = size;
                    int at = size * WIDTH;
                    pairs[at] = a;
                    pairs[at + 1] = b;
                    pairs[at + 2] = c;
                    pairs[at + 3] = d;
                    size++;
                    return;
                }
                if (slotTag == tag && holds(slots[2 * i + 1] * WIDTH, a, b, c, d)) {
                    return;
                }
            }
        }

        private boolean holds(int at, long a, long b, long c, long d) {
            return pairs[at] == a && pairs[at + 1] == b && pairs[at + 2] == c && pairs[at + 3] == d;
        }

        /** The high half of the hash, scaled to the table (no division). */
        private int index(long hash) {
            return (int) ((hash >>> 32) * tableSize >>> 32);
        }

        /** The low half, never zero. */
        private static int tag(long hash) {
            return (int) hash | 1;
        }
    }
}
