package dev.berth.registry.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request body as a blocking stream for the virtual thread that handles the request. The
 * channel does not read on its own (AUTO_READ off): the event loop keeps reading while less
 * than {@link #HIGH_WATER} bytes wait here, and the stream resumes reading once it has drained
 * below half of that. An upload of any size streams to disk through a bounded buffer, and a
 * slow disk slows the client down instead of filling memory.
 */
final class RequestBody extends InputStream {
    private static final Object END = new Object();
    static final long HIGH_WATER = 4L << 20;

    private final Channel channel;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicBoolean paused = new AtomicBoolean();
    private volatile boolean receivedLast;
    private ByteBuf current;
    private boolean consumedLast;

    RequestBody(Channel channel) {
        this.channel = channel;
    }

    /** Event loop: hands over a piece of the body (ownership included). */
    void offer(HttpContent content) {
        ByteBuf b = content.content();
        if (b.isReadable()) {
            queued.addAndGet(b.readableBytes());
            queue.add(b);
        } else {
            b.release();
        }
        if (content instanceof LastHttpContent) {
            receivedLast = true;
            queue.add(END);
        } else if (queued.get() < HIGH_WATER) {
            channel.read();
        } else {
            paused.set(true);
        }
    }

    /** Event loop: the connection ended before the body did. */
    void fail(IOException cause) {
        queue.add(cause);
    }

    boolean receivedLast() {
        return receivedLast;
    }

    boolean fullyConsumed() {
        return consumedLast;
    }

    private boolean advance() throws IOException {
        while (current == null || !current.isReadable()) {
            if (current != null) {
                current.release();
                current = null;
            }
            if (consumedLast) {
                return false;
            }
            Object next = queue.poll();
            if (next == null) {
                channel.read();
                try {
                    next = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while reading the request body", e);
                }
            }
            if (next == END) {
                consumedLast = true;
                return false;
            }
            if (next instanceof IOException e) {
                queue.add(e);
                throw new IOException("connection closed before the request body ended", e);
            }
            current = (ByteBuf) next;
            if (queued.addAndGet(-current.readableBytes()) < HIGH_WATER / 2 && paused.compareAndSet(true, false)) {
                channel.read();
            }
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        return advance() ? current.readByte() & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!advance()) {
            return -1;
        }
        int n = Math.min(len, current.readableBytes());
        current.readBytes(b, off, n);
        return n;
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
        long total = 0;
        byte[] buf = new byte[1 << 16];
        while (advance()) {
            int n = Math.min(buf.length, current.readableBytes());
            current.readBytes(buf, 0, n);
            out.write(buf, 0, n);
            total += n;
        }
        return total;
    }

    /** Releases what is held; called once the exchange is over. */
    void discard() {
        if (current != null) {
            current.release();
            current = null;
        }
        Object o;
        while ((o = queue.poll()) != null) {
            if (o instanceof ByteBuf b) {
                b.release();
            } else if (o == END) {
                consumedLast = true;
            }
        }
    }
}
