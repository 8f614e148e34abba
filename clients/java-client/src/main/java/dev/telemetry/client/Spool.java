package dev.telemetry.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Captured events waiting to be pushed, one JSON object per line, in an owner-only file. An append is one write,
 * forced to disk, so a crash loses at most the event being written; a torn or unreadable line (a crash, a full disk,
 * a corrupted file) is skipped when read, and the next append starts on a fresh line. Bounded in count and age: the
 * oldest events go first, and every push attempt writes the bounded spool back.
 */
final class Spool {

    static final int MAX_EVENTS = 10_000;
    static final Duration MAX_AGE = Duration.ofDays(30);

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final Path lock;

    Spool(Path file) {
        this.file = file;
        this.lock = file.resolveSibling(file.getFileName() + ".lock");
    }

    /** What runs while holding the spool's lock. */
    private interface Locked<T> {
        T run() throws IOException;
    }

    /**
     * The foreground CLI appends while a background sender rewrites: both hold an exclusive lock on a sibling file
     * (the spool itself is replaced by rename, so it cannot carry the lock), and only for local file work, never
     * across a network call. One JVM-wide monitor first, because file locks do not exclude threads of one process.
     */
    private <T> T locked(Locked<T> work) throws IOException {
        synchronized (Spool.class) {
            try (FileChannel channel = OwnerOnly.openForLock(lock); FileLock held = channel.lock()) {
                return work.run();
            }
        }
    }

    void append(ObjectNode event) throws IOException {
        locked(() -> {
            appendLine(event);
            return null;
        });
    }

    private void appendLine(ObjectNode event) throws IOException {
        byte[] line = (event.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = OwnerOnly.openForUpdate(file)) {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            if (endsTorn(channel)) {
                buffer = ByteBuffer.allocate(line.length + 1).put((byte) '\n').put(line).flip();
            }
            long end = channel.size(); // appended under the spool's lock: nobody else writes meanwhile
            while (buffer.hasRemaining()) {
                end += channel.write(buffer, end);
            }
            channel.force(false);
        }
    }

    /** Whether a write was cut short (crash, full disk): the file does not end with a newline. */
    private static boolean endsTorn(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size == 0) {
            return false;
        }
        ByteBuffer last = ByteBuffer.allocate(1);
        channel.read(last, size - 1);
        return last.get(0) != '\n';
    }

    boolean isEmpty() {
        try {
            return !Files.exists(file) || Files.size(file) == 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** What a read found: the sendable events, oldest first, and whether the file holds more than that. */
    record Content(List<ObjectNode> events, boolean trimmed) {
    }

    /** The readable events, oldest first, at most {@link #MAX_EVENTS} and none older than {@link #MAX_AGE}. */
    Content read(Instant now) {
        List<ObjectNode> events = new ArrayList<>();
        boolean dropped = false;
        List<String> lines;
        try {
            lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.ISO_8859_1) : List.of();
        } catch (IOException | RuntimeException unreadable) {
            return new Content(events, true);
        }
        for (String line : lines) {
            ObjectNode event = parse(new String(line.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
            if (event != null && !timestamp(event).isBefore(now.minus(MAX_AGE))) {
                events.add(event);
            } else {
                dropped = true;
            }
        }
        if (events.size() > MAX_EVENTS) {
            return new Content(List.copyOf(events.subList(events.size() - MAX_EVENTS, events.size())), true);
        }
        return new Content(events, dropped);
    }

    /** A well-formed event line, or null for a torn or corrupted one. */
    private static ObjectNode parse(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            if (node instanceof ObjectNode event && event.hasNonNull("id") && event.hasNonNull("timestamp")) {
                Instant.parse(event.get("timestamp").asText());
                return event;
            }
        } catch (IOException | RuntimeException unreadable) {
            // skipped
        }
        return null;
    }

    private static Instant timestamp(ObjectNode event) {
        return Instant.parse(event.get("timestamp").asText());
    }

    /** Drops the events with these ids (and anything expired, beyond the cap or unreadable), atomically. */
    void remove(Collection<String> ids, Instant now) throws IOException {
        Set<String> gone = Set.copyOf(ids);
        locked(() -> {
            rewrite(read(now).events().stream().filter(event -> !gone.contains(event.get("id").asText())).toList());
            return null;
        });
    }

    /** Writes the bounded spool back if the file holds more (expired, beyond the cap, unreadable lines). */
    void trim(Instant now) throws IOException {
        locked(() -> {
            Content content = read(now);
            if (content.trimmed()) {
                rewrite(content.events());
            }
            return null;
        });
    }

    private void rewrite(List<ObjectNode> events) throws IOException {
        StringBuilder text = new StringBuilder();
        events.forEach(event -> text.append(event).append('\n'));
        OwnerOnly.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    void clear() throws IOException {
        if (Files.exists(file)) {
            locked(() -> Files.deleteIfExists(file));
        }
    }
}
