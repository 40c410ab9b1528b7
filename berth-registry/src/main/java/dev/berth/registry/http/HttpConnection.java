package dev.berth.registry.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/1.1 connection. Runs on the event loop and never blocks: each request is handed to
 * a virtual thread together with a {@link RequestBody} that the event loop feeds. Requests on a
 * connection are answered one after the other (pipelined ones wait in {@code pending}). A body
 * the handler did not read is drained up to a limit, so the client reads its error response
 * instead of a reset connection; past the limit the connection is closed.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HttpConnection.class);
    private static final long DRAIN_LIMIT = 64L << 20;

    private final Router router;
    private final Executor executor;
    private final boolean tls;
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private Exchange current;
    private boolean discarding;
    private long discarded;

    HttpConnection(Router router, Executor executor, boolean tls) {
        this.router = router;
        this.executor = executor;
        this.tls = tls;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        pending.add(msg);
        process(ctx);
    }

    private void process(ChannelHandlerContext ctx) {
        while (!pending.isEmpty()) {
            Object m = pending.peek();
            if (discarding) {
                pending.poll();
                if (m instanceof HttpContent c) {
                    discarded += c.content().readableBytes();
                    boolean last = m instanceof LastHttpContent;
                    ReferenceCountUtil.release(m);
                    if (last) {
                        discarding = false;
                    } else if (discarded > DRAIN_LIMIT) {
                        ctx.close();
                        return;
                    }
                } else {
                    discarding = false;
                    pending.addFirst(m);
                }
                continue;
            }
            if (current != null) {
                if (m instanceof HttpContent c && !current.body().receivedLast()) {
                    pending.poll();
                    current.body().offer(c);
                    continue;
                }
                return;
            }
            pending.poll();
            if (m instanceof HttpRequest req) {
                if (!start(ctx, req)) {
                    ReferenceCountUtil.release(m);
                    return;
                }
                if (m instanceof HttpContent c) {
                    current.body().offer(c);
                }
            } else {
                ReferenceCountUtil.release(m);
            }
        }
        if (current == null) {
            ctx.read();
        }
    }

    /** Starts the exchange; false when the request could not be decoded (answered 400, closing). */
    private boolean start(ChannelHandlerContext ctx, HttpRequest req) {
        if (req.decoderResult().isFailure()) {
            var res = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1,
                    HttpResponseStatus.BAD_REQUEST,
                    Unpooled.copiedBuffer(
                            "bad request: " + req.decoderResult().cause(), java.nio.charset.StandardCharsets.UTF_8));
            res.headers().set(HttpHeaderNames.CONNECTION, "close");
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            releasePending();
            return false;
        }
        Exchange ex = new Exchange(ctx.channel(), req, new RequestBody(ctx.channel()), tls);
        current = ex;
        long started = System.nanoTime();
        executor.execute(() -> {
            try {
                router.handle(ex);
            } catch (Throwable t) {
                log.error("unhandled failure on {} {}", req.method(), req.uri(), t);
            }
            if (!ex.responded()) {
                router.fail(ex, new IllegalStateException("no response"));
            }
            if (ctx.executor().isShuttingDown()) {
                ex.body().discard();
                return;
            }
            ex.lastWrite().addListener(f -> {
                if (log.isDebugEnabled()) {
                    log.debug("{} {} {} ms", req.method(), req.uri(), (System.nanoTime() - started) / 1_000_000);
                }
                try {
                    ctx.executor().execute(() -> finish(ctx, ex));
                } catch (RejectedExecutionException shuttingDown) {
                    ex.body().discard();
                }
            });
        });
        return true;
    }

    private void finish(ChannelHandlerContext ctx, Exchange ex) {
        if (current != ex) {
            return;
        }
        current = null;
        if (!ex.body().receivedLast()) {
            discarding = true;
            discarded = 0;
        }
        ex.body().discard();
        if (!ctx.channel().isActive()) {
            releasePending();
            return;
        }
        process(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (current != null) {
            current.body().fail(new IOException("connection closed by client"));
        }
        releasePending();
        ctx.fireChannelInactive();
    }

    private void releasePending() {
        Object m;
        while ((m = pending.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("connection error, closing: {}", cause.toString());
        ctx.close();
    }
}
