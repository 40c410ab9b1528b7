package dev.berth.registry.storage;

import dev.berth.core.error.BerthException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Crash-safe small-file writes, the rule of shared/DESIGN.md: write under a temporary name in
 * the same directory, fsync the file, rename over the target, fsync the directory. A reader sees
 * the old content or the new one, never a torn file, and after a crash the rename is durable.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    public static void write(Path target, byte[] data) {
        write(target, data, true);
    }

    /**
     * As {@link #write} (readers see the old content or the new, never a torn file) but without
     * the fsyncs: for state whose loss in a machine crash changes nothing, because what it
     * describes was not durable either (an upload session, whose bytes are fsynced only when
     * the upload completes). A crash of the process alone keeps it.
     */
    public static void writeVolatile(Path target, byte[] data) {
        write(target, data, false);
    }

    private static void write(Path target, byte[] data, boolean durable) {
        Path dir = target.getParent();
        // A concurrent cleanup may remove an empty parent between mkdir and write: try again.
        for (int attempt = 1; ; attempt++) {
            Path tmp = dir.resolve(".tmp-" + UUID.randomUUID());
            try {
                Files.createDirectories(dir);
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ByteBuffer buf = ByteBuffer.wrap(data);
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    if (durable) {
                        ch.force(true);
                    }
                }
                if (durable) {
                    move(tmp, target);
                } else {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
                return;
            } catch (NoSuchFileException e) {
                deleteQuietly(tmp);
                if (attempt == 3) {
                    throw BerthException.internal("cannot write " + target + ": " + e.getMessage(), e);
                }
            } catch (IOException e) {
                deleteQuietly(tmp);
                throw BerthException.internal("cannot write " + target + ": " + e.getMessage(), e);
            }
        }
    }

    /** Renames {@code from} over {@code to} atomically and makes the rename durable. */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("atomic rename not supported from " + from + " to " + to, e);
        }
        fsyncDirectory(to.getParent());
    }

    public static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fsync directory " + dir, e);
        }
    }

    /** Reads a small file, or null when it does not exist. */
    public static byte[] readIfExists(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw BerthException.internal("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Best effort: a leftover temporary file is garbage that the next GC removes.
        }
    }

    /** Deletes a directory tree; missing is fine. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(AtomicFiles::deleteQuietly);
        } catch (IOException e) {
            throw BerthException.internal("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
