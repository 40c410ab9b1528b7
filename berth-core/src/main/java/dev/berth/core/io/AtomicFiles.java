package dev.berth.core.io;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.sys.Libc;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * The one way Berth puts a file or directory in place so that a crash cannot tear it, the first
 * rule of shared/DESIGN.md: write under a temporary name in the same directory, fsync it, rename
 * it over the target, fsync the directory. A reader sees the old content or the new, never half
 * a file, and once a method returns the change survives a machine crash ({@link Sync#VOLATILE}
 * writes skip the fsyncs, for state that was not durable anyway). Nothing else in the tree
 * renames.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Who may read the new file. */
    public enum Access {
        /** As the umask allows. */
        DEFAULT,
        /** Its owner alone (0600), from the moment it exists: it holds secrets (credentials, a container's env). */
        OWNER_ONLY
    }

    /** Whether the write survives a machine crash, or only a crash of the process. */
    public enum Sync {
        /** fsync the file before the rename and the directory after it. */
        DURABLE,
        /**
         * No fsync: for state whose loss in a machine crash changes nothing because what it
         * describes was not durable either (an upload session, whose bytes are fsynced only when
         * the upload completes), or a file a client asked for (docker save -o).
         */
        VOLATILE
    }

    /** Writes a file's content; the stream is the temporary file's. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** {@code data} as {@code target}, durably, readable as the umask allows. */
    public static void write(Path target, byte[] data) {
        write(target, Access.DEFAULT, Sync.DURABLE, out -> out.write(data));
    }

    /** {@code data} as {@code target}, durably. */
    public static void write(Path target, byte[] data, Access access) {
        write(target, access, Sync.DURABLE, out -> out.write(data));
    }

    /** {@code data} as {@code target}, without the fsyncs (see {@link Sync#VOLATILE}). */
    public static void writeVolatile(Path target, byte[] data) {
        write(target, Access.DEFAULT, Sync.VOLATILE, out -> out.write(data));
    }

    /**
     * What {@code content} writes, as {@code target}: all of it or nothing. On failure the
     * temporary file is removed and {@code target} is as it was.
     */
    public static void write(Path target, Access access, Sync sync, Content content) {
        Path dir = target.toAbsolutePath().getParent();
        // A concurrent cleanup may remove an empty parent between mkdir and write: try again.
        for (int attempt = 1; ; attempt++) {
            Path tmp = dir.resolve(".tmp-" + UUID.randomUUID());
            try {
                Files.createDirectories(dir);
                try (FileChannel ch = FileChannel.open(
                                tmp,
                                java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                                mode(access));
                        OutputStream out = Channels.newOutputStream(ch)) {
                    content.writeTo(out);
                    out.flush();
                    if (sync == Sync.DURABLE) {
                        ch.force(true);
                    }
                }
                rename(tmp, target, sync);
                return;
            } catch (NoSuchFileException e) {
                deleteQuietly(tmp);
                if (attempt == 3) {
                    throw failed("write", target, e);
                }
            } catch (IOException e) {
                deleteQuietly(tmp);
                throw failed("write", target, e);
            } catch (RuntimeException e) {
                deleteQuietly(tmp);
                throw e;
            }
        }
    }

    /**
     * Renames {@code from} over {@code to} (same filesystem), then fsyncs the directories, so the
     * rename survives a crash: how a file or directory made under a temporary name is put in place.
     */
    public static void move(Path from, Path to) {
        move(from, to, Sync.DURABLE);
    }

    /** As {@link #move}; {@link Sync#VOLATILE} for what a machine crash may lose (a log's rotation). */
    public static void move(Path from, Path to, Sync sync) {
        try {
            rename(from, to, sync);
        } catch (IOException e) {
            throw failed("move " + from + " to", to, e);
        }
    }

    /**
     * As {@link #move} but never replacing: ALREADY_EXISTS when {@code to} exists (renameat2
     * RENAME_NOREPLACE; a racing rename of the same name loses). For directories, which rename(2)
     * would only replace when empty. {@link Sync#VOLATILE} for a rename that only hides what is
     * deleted next: after a crash it is garbage under either name.
     */
    public static void moveNoReplace(Path from, Path to, Sync sync) {
        Libc.renameNoReplace(from, to);
        if (sync == Sync.DURABLE) {
            fsyncDirectories(from, to);
        }
    }

    private static void rename(Path from, Path to, Sync sync) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("atomic rename not supported from " + from + " to " + to, e);
        }
        if (sync == Sync.DURABLE) {
            fsyncDirectories(from, to);
        }
    }

    private static void fsyncDirectories(Path from, Path to) {
        Path toDir = to.toAbsolutePath().getParent();
        Path fromDir = from.toAbsolutePath().getParent();
        fsyncDirectory(toDir);
        if (!fromDir.equals(toDir)) {
            fsyncDirectory(fromDir);
        }
    }

    /** Makes a rename, link or unlink in {@code dir} durable: without it a crash may undo it. */
    public static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            throw failed("fsync directory", dir, e);
        }
    }

    /** Reads a small file, or null when it does not exist. */
    public static byte[] readIfExists(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw failed("read", file, e);
        }
    }

    /** Deletes a file if it is there; a failure is left to the next start-up check, which removes garbage. */
    public static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Best effort: a leftover temporary file is garbage that start-up or GC removes.
        }
    }

    private static FileAttribute<?>[] mode(Access access) {
        return access == Access.OWNER_ONLY
                ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
                }
                : new FileAttribute<?>[0];
    }

    private static BerthException failed(String what, Path path, IOException e) {
        ErrorKind kind = e instanceof FileAlreadyExistsException ? ErrorKind.ALREADY_EXISTS : ErrorKind.INTERNAL;
        return new BerthException(kind, "cannot " + what + " " + path + ": " + e.getMessage(), e);
    }
}
