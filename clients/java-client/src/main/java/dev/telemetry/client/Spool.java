package dev.telemetry.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Captured events waiting to be pushed, one JSON object per line. An append is one write, forced to disk, so a crash
 * loses at most the event being written; a torn last line is skipped when read. Bounded in count and age: the oldest
 * events go first.
 */
final class Spool {

    static final int MAX_EVENTS = 10_000;
    static final Duration MAX_AGE = Duration.ofDays(30);

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    Spool(Path file) {
        this.file = file;
    }

    synchronized void append(ObjectNode event) {
        byte[] line = (event.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(line));
                channel.force(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The readable events, oldest first, at most {@link #MAX_EVENTS} and none older than {@link #MAX_AGE}. */
    synchronized List<ObjectNode> read(Instant now) {
        List<ObjectNode> events = new ArrayList<>();
        if (!Files.exists(file)) {
            return events;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                try {
                    ObjectNode event = (ObjectNode) JSON.readTree(line);
                    if (!Instant.parse(event.get("timestamp").asText()).isBefore(now.minus(MAX_AGE))) {
                        events.add(event);
                    }
                } catch (Exception torn) {
                    // a line cut short by a crash: nothing to recover
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events.size() > MAX_EVENTS ? events.subList(events.size() - MAX_EVENTS, events.size()) : events;
    }

    /** Drops the events with these ids (and anything expired or unreadable), atomically. */
    synchronized void remove(Collection<String> ids, Instant now) {
        Set<String> gone = Set.copyOf(ids);
        rewrite(read(now).stream().filter(event -> !gone.contains(event.get("id").asText())).toList());
    }

    synchronized void clear() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void rewrite(List<ObjectNode> events) {
        try {
            Path next = file.resolveSibling(file.getFileName() + ".next");
            StringBuilder text = new StringBuilder();
            events.forEach(event -> text.append(event).append('\n'));
            Files.writeString(next, text, StandardCharsets.UTF_8);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
