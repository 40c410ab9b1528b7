package dev.berth.api.server;

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
 * So an upload of gigabytes holds at most about a megabyte in memory, and a slow consumer slows the
 * client down through TCP (or the socket buffer) instead of growing the heap.
 */
final class ChannelInput extends InputStream {
    static final int HIGH = 1 << 20;
    static final int LOW = 256 << 10;

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
