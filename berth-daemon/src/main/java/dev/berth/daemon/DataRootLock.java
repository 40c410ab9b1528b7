package dev.berth.daemon;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Holds an exclusive lock on {@code <data-root>/berth.lock} for the daemon's lifetime, so that
 * two daemons never share one data root (each would garbage-collect the other's files), while
 * daemons on different data roots run side by side. The kernel drops the lock when the process
 * dies, even by SIGKILL, so a crash never leaves a stale lock behind.
 */
final class DataRootLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataRootLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataRootLock acquire(Path dataRoot) {
        Path file = dataRoot.resolve("berth.lock");
        try {
            Files.createDirectories(dataRoot);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new BerthException(
                        ErrorKind.CONFLICT,
                        "another berth daemon is using data root " + dataRoot + " (" + file + " is locked)");
            }
            channel.truncate(0)
                    .write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes()));
            return new DataRootLock(channel, lock);
        } catch (IOException e) {
            throw BerthException.internal("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
