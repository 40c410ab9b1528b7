package dev.berth.registry.storage;

import dev.berth.core.error.BerthException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a registry root ({@code <root>/registry.lock}), held by a serving
 * registry for its lifetime and by an offline {@code berth registry gc}. Two processes
 * collecting or one collecting while another serves could not see each other's in-flight
 * pushes, so the second one is refused with the holder's description.
 */
public final class RootLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private RootLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static RootLock acquire(Path root, String holder) {
        Path file = root.resolve("registry.lock");
        try {
            Files.createDirectories(root);
            FileChannel ch = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException sameProcess) {
                l = null;
            }
            if (l == null) {
                String who = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
                ch.close();
                throw BerthException.conflict(
                        "registry root %s is in use by %s", root, who.isEmpty() ? "another process" : who);
            }
            ch.truncate(0);
            ch.write(
                    java.nio.ByteBuffer.wrap(
                            (holder + " (pid " + ProcessHandle.current().pid() + ")\n")
                                    .getBytes(StandardCharsets.UTF_8)),
                    0);
            return new RootLock(ch, l);
        } catch (IOException e) {
            throw BerthException.internal("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // The lock dies with the process anyway.
        }
    }
}
