package dev.berth.http.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * A handler thread's output to a channel: HTTP chunks of a streamed response, or raw bytes on a
 * hijacked connection. Every channel operation is handed to the event loop (never called from the
 * handler thread, which also keeps EmbeddedChannel tests honest). When the channel's outbound
 * buffer is over its high-water mark the writer waits for its last write to complete, so a slow
 * client slows the producer (a {@code docker save} of gigabytes never sits in memory).
 *
 * <p>The response header, when there is one, is sent lazily with the first bytes, so a failure
 * before any output can still be answered with a proper error status.
 */
final class ChannelOutput extends Response.ResponseStream {
    private static final int CHUNK = 64 * 1024;

    private final java.util.concurrent.Executor loop;
    private final Channel channel;
    private final boolean httpChunks;
    private final boolean flushEveryWrite;
    private Supplier<HttpObject> header;
    private ByteBuf buffer;
    private boolean finished;
    private volatile boolean clientGone;
    private final List<Runnable> closeActions = new CopyOnWriteArrayList<>();
    private final ChannelFutureListener closeListener = f -> runCloseActions();

    /**
     * @param loop runs tasks on the channel's event loop
     * @param header sent before the first bytes, or null when already sent
     * @param httpChunks wrap bytes in {@link DefaultHttpContent} and end with {@link LastHttpContent}
     * @param flushEveryWrite send each write at once (interactive streams), else per 64 KiB or flush()
     */
    ChannelOutput(
            java.util.concurrent.Executor loop,
            Channel channel,
            Supplier<HttpObject> header,
            boolean httpChunks,
            boolean flushEveryWrite) {
        this.loop = loop;
        this.channel = channel;
        this.header = header;
        this.httpChunks = httpChunks;
        this.flushEveryWrite = flushEveryWrite;
        channel.closeFuture().addListener(closeListener);
    }

    boolean headerSent() {
        return header == null;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        while (len > 0) {
            if (buffer == null) {
                buffer = channel.alloc().buffer(Math.min(CHUNK, Math.max(len, 256)), CHUNK);
            }
            int n = Math.min(len, buffer.maxWritableBytes());
            buffer.writeBytes(b, off, n);
            off += n;
            len -= n;
            if (buffer.maxWritableBytes() == 0) {
                send();
            }
        }
        if (flushEveryWrite) {
            send();
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        ensureOpen();
        send();
    }

    /** Sends what is buffered (and the header if still pending) and, for HTTP, the last chunk. */
    synchronized void finish() throws IOException {
        if (finished) {
            return;
        }
        send();
        finished = true;
        if (httpChunks) {
            await(write(LastHttpContent.EMPTY_LAST_CONTENT));
        }
        channel.closeFuture().removeListener(closeListener);
        runCloseActions();
    }

    /**
     * Sends what is buffered and waits until every byte written so far is in the socket, so that
     * closing the connection next loses none of it (a close fails the writes still queued).
     */
    synchronized void drain() throws IOException {
        ensureOpen();
        send();
        await(write(Unpooled.EMPTY_BUFFER));
    }

    /** Drops buffered bytes without sending (the connection is about to be cut). */
    synchronized void abandon() {
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
        finished = true;
        channel.closeFuture().removeListener(closeListener);
        runCloseActions();
    }

    @Override
    public void close() throws IOException {
        flush();
    }

    @Override
    public boolean isOpen() {
        return channel.isActive() && !finished && !clientGone;
    }

    /** The client stopped reading (its side of the connection ended): long writers should stop. */
    void clientGone() {
        clientGone = true;
        runCloseActions();
    }

    @Override
    public void onClose(Runnable action) {
        closeActions.add(action);
        if (!isOpen()) {
            runCloseActions();
        }
    }

    private void runCloseActions() {
        for (Runnable action : closeActions) {
            if (closeActions.remove(action)) {
                action.run();
            }
        }
    }

    private void ensureOpen() throws IOException {
        if (finished) {
            throw new IOException("stream already finished");
        }
        if (!channel.isActive()) {
            throw new IOException("client closed the connection");
        }
    }

    private void send() throws IOException {
        if (header != null) {
            HttpObject h = header.get();
            header = null;
            write(h);
        }
        if (buffer == null || !buffer.isReadable()) {
            return;
        }
        ByteBuf out = buffer;
        buffer = null;
        CompletableFuture<Void> done = write(httpChunks ? new DefaultHttpContent(out) : out);
        if (!channel.isWritable()) {
            await(done);
        } else if (done.isCompletedExceptionally()) {
            await(done);
        }
    }

    private CompletableFuture<Void> write(Object message) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ChannelPromise promise = channel.newPromise();
        promise.addListener(f -> {
            if (f.isSuccess()) {
                done.complete(null);
            } else {
                done.completeExceptionally(f.cause());
            }
        });
        loop.execute(() -> channel.writeAndFlush(message, promise));
        return done;
    }

    private static void await(CompletableFuture<Void> done) throws IOException {
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing the response");
        } catch (ExecutionException e) {
            throw new IOException("client closed the connection", e.getCause());
        }
    }
}
