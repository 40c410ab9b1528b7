package dev.berth.http.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge from a connection to virtual threads: hands each request to a thread of its own
 * with its body as a blocking stream, one request at a time, and reads the connection only when
 * someone wants the bytes.
 *
 * <p>The channel does not auto-read. This handler asks for bytes while idle between requests,
 * while a request body's buffer has room (so bodies get backpressure), and while an answer
 * streams (that is how a vanished client is noticed, by its EOF, while a long stream such as
 * {@code events} or {@code logs -f} has nothing to write). Requests pipelined behind the one being
 * answered wait here, at most {@link #MAX_PIPELINED}. What a handler left of its body is drained
 * after the answer, up to {@link #DRAIN_LIMIT}, so the client reads the answer instead of a
 * reset; past the limit the connection is closed. After a hijack the connection's bytes go raw
 * to the hijacker's input. Fields are touched on the event loop only; handler threads talk to
 * it through {@code loop.execute}.
 */
final class ConnectionBridge extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionBridge.class);
    static final int MAX_PIPELINED = 64;
    static final long DRAIN_LIMIT = 64L << 20;

    private final Dispatch dispatch;
    private final Executor handlers;
    private final Executor loopOverride;
    private Executor loop;
    private ChannelHandlerContext ctx;
    private Exchange current;
    private ChannelInput hijackInput;
    private boolean inputShutdown;
    /** Draining the unread rest of an answered request's body; {@code drained} counts it. */
    private boolean draining;

    private long drained;
    /** Messages not yet handed on: those of requests pipelined behind the one being answered. */
    private final ArrayDeque<Object> pipelined = new ArrayDeque<>();

    /**
     * @param loop runs tasks on the channel's event loop; null means the channel's own. Tests on an
     *     EmbeddedChannel pass a queue they drain on the test thread, because EmbeddedChannel's
     *     loop is not safe to call from other threads.
     */
    ConnectionBridge(Dispatch dispatch, Executor handlers, Executor loop) {
        this.dispatch = dispatch;
        this.handlers = handlers;
        this.loopOverride = loop;
    }

    Executor loop() {
        return loop;
    }

    ChannelHandlerContext context() {
        return ctx;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.loop = loopOverride != null ? loopOverride : ctx.executor();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (hijackInput != null) {
                if (msg instanceof ByteBuf buf) {
                    hijackInput.offer(buf.retain());
                }
                return;
            }
            // In arrival order: HTTP/1.1 allows the next request before the answer, which keeps it
            // until then.
            pipelined.add(ReferenceCountUtil.retain(msg));
            next();
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** True while a request that arrived whole waits for its answer (or the connection was hijacked). */
    private boolean busy() {
        return hijackInput != null || (current != null && current.requestDone);
    }

    private void handle(Object msg) {
        if (draining) {
            drain(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            onRequest(request);
        }
        if (msg instanceof HttpContent content) {
            onContent(content);
        }
    }

    private void drain(Object msg) {
        if (msg instanceof HttpContent content) {
            drained += content.content().readableBytes();
            if (content instanceof LastHttpContent) {
                draining = false;
            } else if (drained > DRAIN_LIMIT) {
                close();
            }
        }
    }

    private void onRequest(HttpRequest request) {
        boolean tls = ctx.pipeline().get(SslHandler.class) != null;
        if (request.decoderResult().isFailure()) {
            refuse(request, tls);
            return;
        }
        Exchange exchange = new Exchange(request, new ChannelInput(this::resumeReading), tls);
        current = exchange;
        try {
            handlers.execute(() -> new ResponseWriter(this, dispatch, exchange).serve());
        } catch (RejectedExecutionException e) {
            ctx.close(); // shutting down
        }
    }

    /**
     * Answers a request that reaches no handler: refused by {@link RequestLimits}, or not HTTP at
     * all (then the connection closes, since where the next request starts is unknown).
     */
    private void refuse(HttpRequest request, boolean tls) {
        Throwable cause = request.decoderResult().cause();
        Exchange exchange = new Exchange(request, new ChannelInput(() -> {}), tls);
        exchange.body.close();
        current = exchange;
        FullHttpResponse answer;
        boolean reuse;
        if (cause instanceof RequestLimits.Refused refused) {
            log.debug("refused {}: {}", exchange.requestLine(), refused.getMessage());
            answer = ResponseWriter.full(
                    dispatch.service(), dispatch.errors().refusal(refused.status, refused.getMessage()));
            reuse = exchange.bodyLeft() >= 0 && exchange.bodyLeft() <= DRAIN_LIMIT;
        } else {
            String why = ErrorMapper.messageOf(cause);
            log.debug("malformed request: {}", why);
            answer = ResponseWriter.full(
                    dispatch.service(), dispatch.errors().refusal(400, "malformed HTTP request: " + why));
            reuse = false;
        }
        if (!reuse) {
            answer.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.writeAndFlush(answer).addListener(f -> loop.execute(() -> responded(exchange, reuse && f.isSuccess())));
    }

    private void onContent(HttpContent content) {
        Exchange exchange = current;
        if (exchange == null || exchange.requestDone) {
            return;
        }
        if (content.decoderResult().isFailure()) {
            exchange.body.fail(new IOException("malformed request body: "
                    + ErrorMapper.messageOf(content.decoderResult().cause())));
            exchange.requestDone = true;
            return;
        }
        exchange.received += content.content().readableBytes();
        exchange.body.offer(content.content().retain());
        if (content instanceof LastHttpContent) {
            exchange.body.end();
            exchange.requestDone = true;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (hijackInput != null) {
            if (!inputShutdown && !hijackInput.pauseIfFull()) {
                ctx.read();
            }
        } else if (current == null) {
            if (!inputShutdown) {
                ctx.read(); // idle, or draining
            }
        } else if (!current.requestDone) {
            if (!current.body.pauseIfFull()) {
                ctx.read();
            }
        } else if (pipelined.size() < MAX_PIPELINED && !inputShutdown && !current.asksUpgrade()) {
            // Keep reading while answering, to notice a client that goes away. Not after an
            // upgrade request: what follows it is the hijacker's, not HTTP.
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    /** Called on a handler thread when a paused input has room again. */
    private void resumeReading() {
        loop.execute(() -> {
            if (hijackInput != null || (current != null && !current.requestDone)) {
                ctx.read();
            }
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent
                || (evt instanceof SslCloseCompletionEvent close && close.isSuccess())) {
            // The client half-closed (docker does at the end of piped stdin on attach/exec); over
            // TLS it may instead send close_notify and keep reading, as Go's tls.Conn.CloseWrite.
            inputShutdown = true;
            if (hijackInput != null) {
                hijackInput.end();
            } else if (current == null) {
                close();
            } else if (!current.requestDone) {
                current.body.fail(
                        new EOFException("client closed the connection before the request body was complete"));
                current.requestDone = true;
                current.markClientGone();
            } else {
                current.markClientGone();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releasePipelined();
        if (hijackInput != null) {
            hijackInput.end();
        }
        if (current != null) {
            current.body.fail(new EOFException("client closed the connection"));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("connection error, closing: {}", cause.toString());
        ctx.close();
    }

    /**
     * Event loop: the answer to {@code exchange} is out. Drains what is left of its body, then
     * takes the next request; closes when the connection cannot go on.
     */
    void responded(Exchange exchange, boolean keepAlive) {
        exchange.body.close();
        if (current == exchange) {
            current = null;
        }
        if (!keepAlive || inputShutdown || !ctx.channel().isActive()) {
            close();
            return;
        }
        if (!exchange.requestDone) {
            long left = exchange.bodyLeft();
            if (left > DRAIN_LIMIT) {
                close();
                return;
            }
            draining = true;
            drained = 0;
        }
        next();
        if (!busy()) {
            ctx.read();
        }
    }

    /** Event loop: hands on the messages that wait, until a request waits for its answer. */
    private void next() {
        while (!pipelined.isEmpty() && !busy() && ctx.channel().isActive()) {
            Object msg = pipelined.poll();
            try {
                handle(msg);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    /**
     * Event loop: the connection becomes a raw pipe; what the HTTP decoder had read past the
     * request arrives here as bytes when it is removed ({@link Hijack}).
     */
    ChannelInput hijacked(Exchange exchange) {
        hijackInput = new ChannelInput(this::resumeReading);
        if (current == exchange) {
            current = null;
        }
        exchange.body.close();
        return hijackInput;
    }

    /** Event loop: after a hijack, reads on or reports the end of input that came already. */
    void startRaw() {
        if (inputShutdown) {
            hijackInput.end();
        } else {
            ctx.read();
        }
    }

    private void close() {
        releasePipelined();
        ctx.close();
    }

    private void releasePipelined() {
        pipelined.forEach(ReferenceCountUtil::release);
        pipelined.clear();
    }
}
