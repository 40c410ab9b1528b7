package dev.berth.core.content;

import dev.berth.core.digest.ContentMismatch;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * One ingest file under {@code ingest/}, appended to and hashed as bytes arrive. Reopening the
 * same ref continues at the end of the bytes on disk; the hash state is rebuilt by re-reading
 * them, lazily, so that opening a writer only to {@link #abort()} or ask its {@link #offset()}
 * costs nothing. Meant for one thread at a time; its methods are synchronized only so that a
 * misuse cannot tear the file.
 */
final class LocalBlobWriter implements BlobWriter {
    private static final int REHASH_BUFFER = 256 * 1024;
    /**
     * Every so many appended bytes, the file's dirty pages start going to disk in the background
     * (an fdatasync on a virtual thread, one at a time), so that the fsync of {@link #commit}
     * finds little left to write: a 50 MB upload then waits for its last few megabytes at the
     * end, not for all of them (the disk works while the network does).
     */
    private static final long WRITE_BEHIND = 8L << 20;

    private final LocalBlobStore store;
    private final String ref;
    private final Path file;
    private final String algorithm;
    private final FileChannel channel;
    private final OutputStream output = new IngestOutput();
    private MessageDigest hasher;
    private long offset;
    private long unsynced;
    private Thread writeBehind;
    private boolean finished;

    LocalBlobWriter(LocalBlobStore store, String ref, Path file, String algorithm) {
        this.store = store;
        this.ref = ref;
        this.file = file;
        this.algorithm = algorithm;
        try {
            this.channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw LocalBlobStore.io("opening ingest " + file, e);
        }
        // Another process on the same data root (or another store object on it) must not append
        // to the same partial file; the lock goes away with the channel.
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            closeQuietly();
            throw BerthException.unavailable("ingest %s is already being written (%s)", ref, file);
        } catch (IOException e) {
            closeQuietly();
            throw LocalBlobStore.io("locking ingest " + file, e);
        }
        if (lock == null) {
            closeQuietly();
            throw BerthException.unavailable("ingest %s is being written by another process (%s)", ref, file);
        }
        try {
            offset = channel.size();
            channel.position(offset);
        } catch (IOException e) {
            closeQuietly();
            throw LocalBlobStore.io("opening ingest " + file, e);
        }
        if (offset == 0) {
            hasher = Digest.newHasher(algorithm);
        }
    }

    @Override
    public String ref() {
        return ref;
    }

    @Override
    public synchronized long offset() {
        return offset;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    /** Appends bytes; disk failures come back as INTERNAL naming the ingest file. */
    synchronized void write(byte[] bytes, int off, int len) {
        try {
            append(bytes, off, len);
        } catch (IOException e) {
            throw LocalBlobStore.io("writing ingest " + file, e);
        }
    }

    private void append(byte[] bytes, int off, int len) throws IOException {
        if (finished) {
            throw new IOException("ingest " + ref + " is closed");
        }
        MessageDigest h = hasher();
        ByteBuffer buffer = ByteBuffer.wrap(bytes, off, len);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        h.update(bytes, off, len);
        offset += len;
        unsynced += len;
        if (unsynced >= WRITE_BEHIND && (writeBehind == null || !writeBehind.isAlive())) {
            unsynced = 0;
            writeBehind = Thread.ofVirtual().name("ingest-sync").start(() -> {
                try {
                    channel.force(false);
                } catch (IOException ignored) {
                    // Only a head start: commit's own fsync reports what fails, and a closed channel needs nothing.
                }
            });
        }
    }

    @Override
    public synchronized Digest digest() {
        try {
            return Digest.of(algorithm, ((MessageDigest) hasher().clone()).digest());
        } catch (IOException e) {
            throw LocalBlobStore.io("reading ingest " + file, e);
        } catch (CloneNotSupportedException e) {
            throw BerthException.internal(algorithm + " cannot be cloned", e);
        }
    }

    @Override
    public synchronized BlobInfo commit(Digest expected, long expectedSize) {
        if (finished) {
            throw BerthException.conflict("ingest %s is closed", ref);
        }
        Digest seen;
        try {
            seen = expected == null || expected.algorithm().equals(algorithm)
                    ? Digest.of(algorithm, hasher().digest())
                    : Digest.of(
                            expected.algorithm(), hashFile(expected.algorithm()).digest());
        } catch (IOException e) {
            throw LocalBlobStore.io("reading ingest " + file, e);
        }
        try {
            ContentMismatch.check(expected, expectedSize, seen, offset);
        } catch (BerthException mismatch) {
            // Bytes that are not what they claim are worthless; resuming them cannot help.
            abort();
            throw mismatch;
        }
        try {
            channel.force(true);
        } catch (IOException e) {
            close();
            throw LocalBlobStore.io("syncing ingest " + file, e);
        }
        try {
            return store.commitFile(file, seen, offset);
        } finally {
            close();
        }
    }

    @Override
    public synchronized void abort() {
        // Once closed or committed this writer no longer owns the ref: a new writer may be
        // resuming the same file, which must not be deleted from under it.
        if (finished) {
            return;
        }
        finished = true;
        closeQuietly();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw LocalBlobStore.io("removing ingest " + file, e);
        } finally {
            store.release(ref);
        }
    }

    @Override
    public synchronized void close() {
        if (finished) {
            return;
        }
        finished = true;
        closeQuietly();
        store.release(ref);
    }

    private MessageDigest hasher() throws IOException {
        if (hasher == null) {
            hasher = hashFile(algorithm);
        }
        return hasher;
    }

    /** Hashes the bytes on disk up to {@link #offset}: after a resume, or for another algorithm. */
    private MessageDigest hashFile(String hashAlgorithm) throws IOException {
        MessageDigest h = Digest.newHasher(hashAlgorithm);
        ByteBuffer buffer = ByteBuffer.allocate(REHASH_BUFFER);
        long position = 0;
        while (position < offset) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), offset - position));
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException("ingest " + file + " shrank to " + position + " bytes, expected " + offset);
            }
            h.update(buffer.array(), 0, n);
            position += n;
        }
        return h;
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing was buffered (writes go straight to the channel); closing cannot lose data.
        }
    }

    private final class IngestOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            synchronized (LocalBlobWriter.this) {
                append(bytes, off, len);
            }
        }
    }
}
