package dev.telemetry.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;

/**
 * Every file the client writes is readable by its owner only: directories 0700, files 0600. The mode is given at
 * creation ({@code open(2)} with the mode, not a chmod afterwards), so a file never exists with a wider mode, not even
 * for a moment and not when two processes race to create it; umask can only narrow it. Files and directories left
 * wider by an older client are tightened when next written. On file systems without POSIX modes (Windows) the
 * user's profile directory already keeps other users out.
 */
final class OwnerOnly {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnly() {
    }

    /** Creates the directory and any missing parent, each 0700; tightens the directory itself if it is wider. */
    static void createDirectories(Path directory) throws IOException {
        Path absolute = directory.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            tighten(absolute, DIRECTORY);
            return;
        }
        Path parent = absolute.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            createDirectories(parent);
        }
        try {
            Files.createDirectory(absolute, attributes(DIRECTORY));
        } catch (FileAlreadyExistsException raced) {
            tighten(absolute, DIRECTORY);
        }
    }

    /** Replaces the file's content atomically: written to a fresh 0600 file, forced, then renamed over the file. */
    static void write(Path file, byte[] content) throws IOException {
        createDirectories(file.getParent());
        Path next = file.resolveSibling(file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            writeNew(next, content);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(next);
        }
    }

    /**
     * Creates the file with this content unless it exists, atomically: the content is written to a fresh 0600 file,
     * forced, then linked to the name ({@code link(2)} fails if the name exists), so a reader never sees it partly
     * written and of two racing creators exactly one wins.
     *
     * @return false if the file existed (the content was not written)
     */
    static boolean createOnce(Path file, byte[] content) throws IOException {
        createDirectories(file.getParent());
        Path next = file.resolveSibling(file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            writeNew(next, content);
            try {
                Files.createLink(file, next);
            } catch (UnsupportedOperationException noHardLinks) {
                Files.move(next, file); // not atomic against a racing creator, but never replaces a file
            }
            return true;
        } catch (FileAlreadyExistsException exists) {
            return false;
        } finally {
            Files.deleteIfExists(next);
        }
    }

    /**
     * Opens the file to read and write, creating it 0600 if missing, tightening it if wider. (Not {@code APPEND},
     * which excludes reading: callers append at the end under a lock.)
     */
    static FileChannel openForUpdate(Path file) throws IOException {
        return open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** Opens (creating 0600 if missing) a file to lock. */
    static FileChannel openForLock(Path file) throws IOException {
        return open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    private static FileChannel open(Path file, OpenOption... options) throws IOException {
        createDirectories(file.getParent());
        FileChannel channel = FileChannel.open(file, Set.of(options), attributes(FILE));
        try {
            tighten(file, FILE);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    private static void tighten(Path path, Set<PosixFilePermission> owner) throws IOException {
        if (POSIX && !owner.containsAll(Files.getPosixFilePermissions(path))) {
            Files.setPosixFilePermissions(path, owner);
        }
    }

    private static FileAttribute<?>[] attributes(Set<PosixFilePermission> permissions) {
        return POSIX
                ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(permissions)}
                : new FileAttribute<?>[0];
    }

    /** Writes a new 0600 file with this content and forces it to disk. */
    private static void writeNew(Path file, byte[] content) throws IOException {
        try (FileChannel channel = FileChannel.open(file,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes(FILE))) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
        }
    }
}
