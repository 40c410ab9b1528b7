package dev.berth.core.layer;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads (and so decompresses) and hashes the layer stream on its own thread, handing full chunks
 * to the unpacking thread: the sha256 of the diff ID and gzip/zstd then run beside the file
 * writes instead of between them. The reader always reads to the end of the stream, so the diff
 * ID covers any padding after the tar's end-of-archive blocks.
 */
final class ReadAhead extends InputStream {
    private static final int CHUNK = 512 * 1024;
    private static final int CHUNKS = 8;
    private static final Chunk END = new Chunk(new byte[0], -1, null);

    private record Chunk(byte[] data, int length, Throwable failure) {}

    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(CHUNKS);
    private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(CHUNKS + 1);
    private final MessageDigest hasher;
    private final Thread reader;
    private volatile long count;
    private Chunk current;
    private int pos;
    private boolean ended;

    /** {@code hasher}: what the bytes are hashed with, or null for none. */
    ReadAhead(InputStream source, MessageDigest hasher) {
        this.hasher = hasher;
        for (int i = 0; i < CHUNKS; i++) {
            free.add(new byte[CHUNK]);
        }
        this.reader = Thread.ofPlatform().daemon().name("berth-layer-read").start(() -> produce(source));
    }

    private void produce(InputStream source) {
        try {
            long total = 0;
            while (true) {
                byte[] buf = free.take();
                int n = source.readNBytes(buf, 0, buf.length);
                if (n > 0) {
                    if (hasher != null) {
                        hasher.update(buf, 0, n);
                    }
                    total += n;
                    count = total;
                    full.put(new Chunk(buf, n, null));
                }
                if (n < buf.length) {
                    full.put(END);
                    return;
                }
            }
        } catch (InterruptedException e) {
            // closed by the unpacking side
        } catch (Throwable t) {
            full.offer(new Chunk(new byte[0], -1, t));
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (current == null || pos == current.length) {
            if (ended) {
                return -1;
            }
            if (current != null) {
                free.add(current.data);
            }
            current = take();
            pos = 0;
            if (current.length < 0) {
                ended = true;
                current = null;
                return -1;
            }
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current.data, pos, b, off, n);
        pos += n;
        return n;
    }

    private Chunk take() throws IOException {
        Chunk chunk;
        try {
            chunk = full.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the layer");
        }
        if (chunk.failure != null) {
            if (chunk.failure instanceof IOException io) {
                throw io;
            }
            if (chunk.failure instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(chunk.failure);
        }
        return chunk;
    }

    /** Reads the rest of the stream and returns its hash (null without a hasher); count() is then the stream's size. */
    byte[] finish() throws IOException {
        byte[] skip = new byte[CHUNK];
        while (read(skip, 0, skip.length) >= 0) {
            // the reader hashes; this only keeps it moving
        }
        try {
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the layer");
        }
        return hasher == null ? null : hasher.digest();
    }

    long count() {
        return count;
    }

    /**
     * Stops the reader (after a failure on the unpacking side); the source stays open. A reader
     * stuck in a read of a network stream is not waited for long: it ends when the source's owner
     * closes it, and touches nothing but this object's queues.
     */
    @Override
    public void close() {
        if (reader.isAlive()) {
            reader.interrupt();
            try {
                reader.join(java.time.Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
