package dev.berth.http.server;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bytes arriving on a channel, read as an InputStream by a handler thread. The event loop offers
 * buffers; when more than {@link #HIGH} bytes wait unread it stops reading from the socket
 * ({@link #pauseIfFull}), and the reader asks it to resume once it has drained below {@link #LOW}.
 * So an upload of gigabytes holds a few megabytes in memory, and a slow consumer (a disk, a
 * hasher) slows the client down through TCP (or the socket buffer) instead of growing the heap.
 * The marks are wide enough that a fast reader never waits for the event loop to resume: the
 * registry's uploads were measured with them.
 */
final class ChannelInput extends InputStream {
    static final int HIGH = 4 << 20;
    static final int LOW = 2 << 20;
    private static final int TRANSFER_PIECE = 64 << 10;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    private final Runnable resume;
    private long buffered;
    private boolean ended;
    private boolean closed;
    private boolean paused;
    private IOException failure;

    /** {@code resume} asks the event loop to read again; it is called on the reader's thread. */
    ChannelInput(Runnable resume) {
        this.resume = resume;
    }

    /** Event loop: a buffer arrived; takes ownership. */
    void offer(ByteBuf buf) {
        lock.lock();
        try {
            if (closed || ended || !buf.isReadable()) {
                buf.release();
                return;
            }
            queue.add(buf);
            buffered += buf.readableBytes();
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Event loop: the input ended normally. */
    void end() {
        lock.lock();
        try {
            ended = true;
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Event loop: the input ended abnormally; the reader sees {@code e} once the queued bytes are read. */
    void fail(IOException e) {
        lock.lock();
        try {
            if (!ended && failure == null) {
                failure = e;
            }
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isEnded() {
        lock.lock();
        try {
            return ended || failure != null;
        } finally {
            lock.unlock();
        }
    }

    /** Event loop: true (and remember to resume) when enough is buffered that reading should stop. */
    boolean pauseIfFull() {
        lock.lock();
        try {
            if (buffered >= HIGH && !closed) {
                paused = true;
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        boolean wake = false;
        int n;
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (closed) {
                    throw new IOException("stream closed");
                }
                if (failure != null) {
                    throw failure;
                }
                if (ended) {
                    return -1;
                }
                try {
                    ready.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for request data");
                }
            }
            ByteBuf head = queue.peek();
            n = Math.min(len, head.readableBytes());
            head.readBytes(b, off, n);
            if (!head.isReadable()) {
                queue.poll().release();
            }
            buffered -= n;
            if (paused && buffered < LOW) {
                paused = false;
                wake = true;
            }
        } finally {
            lock.unlock();
        }
        if (wake) {
            resume.run();
        }
        return n;
    }

    /** Copies in pieces of 64 KiB (InputStream's own loop takes 16 KiB at a time). */
    @Override
    public long transferTo(java.io.OutputStream out) throws IOException {
        byte[] piece = new byte[TRANSFER_PIECE];
        long total = 0;
        for (int n; (n = read(piece, 0, piece.length)) >= 0; ) {
            out.write(piece, 0, n);
            total += n;
        }
        return total;
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return (int) Math.min(Integer.MAX_VALUE, buffered);
        } finally {
            lock.unlock();
        }
    }

    /** Discards what is buffered and whatever arrives later (the event loop keeps reading to drain). */
    @Override
    public void close() {
        boolean wake;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            queue.forEach(ByteBuf::release);
            queue.clear();
            buffered = 0;
            wake = paused;
            paused = false;
            ready.signalAll();
        } finally {
            lock.unlock();
        }
        if (wake) {
            resume.run();
        }
    }
}
