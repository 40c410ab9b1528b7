package dev.berth.api.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/1.1 connection: hands each request to a handler thread with its body as a stream,
 * writes the handler's {@link Response}, keeps the connection alive between requests, and turns
 * it into a raw pipe for {@link Response#hijack}.
 *
 * <p>The channel does not auto-read: this handler asks for bytes only when it wants them (idle
 * between requests, or while a request body's buffer has room), so request bodies get
 * backpressure; a pipelined request waits until the one before it is answered. Its fields are touched on the event loop only;
 * the handler thread talks to it through {@code executor().execute}.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);
    static final String RAW_STREAM = "application/vnd.docker.raw-stream";
    private static final int MAX_PIPELINED = 64;

    private final Dispatch dispatch;
    private final Executor handlers;
    private final Executor loopOverride;
    private Executor loop;
    private ChannelHandlerContext ctx;
    private Exchange current;
    private ChannelInput hijackInput;
    private boolean inputShutdown;
    /** Messages of a pipelined request that arrived while the previous one was being answered. */
    private final java.util.ArrayDeque<Object> pipelined = new java.util.ArrayDeque<>();

    /**
     * @param loop runs tasks on the channel's event loop; null means the channel's own. Tests on an
     *     EmbeddedChannel pass a queue they drain on the test thread, because EmbeddedChannel's
     *     loop is not safe to call from other threads.
     */
    ConnectionHandler(Dispatch dispatch, Executor handlers, Executor loop) {
        this.dispatch = dispatch;
        this.handlers = handlers;
        this.loopOverride = loop;
    }

    /** One request and its response. */
    private static final class Exchange {
        final HttpRequest request;
        final ChannelInput body;
        boolean requestDone;
        /** Set when the client stopped sending (EOF) while its answer streams: it is gone, as Go's server assumes. */
        volatile boolean clientGone;

        volatile ChannelOutput output;

        /** Handler thread: {@code out} now carries the response. */
        void streamingTo(ChannelOutput out) {
            output = out;
            if (clientGone) {
                out.clientGone();
            }
        }

        /** Event loop. */
        void markClientGone() {
            clientGone = true;
            ChannelOutput out = output;
            if (out != null) {
                out.clientGone();
            }
        }

        Exchange(HttpRequest request, ChannelInput body) {
            this.request = request;
            this.body = body;
        }
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
            if (!pipelined.isEmpty() || (current != null && current.requestDone)) {
                // HTTP/1.1 allows the next request before the answer; keep it until then.
                pipelined.add(ReferenceCountUtil.retain(msg));
                return;
            }
            handle(msg);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void handle(Object msg) {
        if (msg instanceof HttpRequest request) {
            onRequest(request);
        }
        if (msg instanceof HttpContent content) {
            onContent(content);
        }
    }

    private void onRequest(HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            String why = ErrorMapping.message(request.decoderResult().cause());
            log.debug("malformed request: {}", why);
            writeFullAndClose(ErrorMapping.error(400, "malformed HTTP request: " + why));
            return;
        }
        Exchange exchange = new Exchange(request, new ChannelInput(this::resumeReading));
        current = exchange;
        try {
            handlers.execute(() -> serve(exchange));
        } catch (RejectedExecutionException e) {
            ctx.close(); // shutting down
        }
    }

    private void onContent(HttpContent content) {
        Exchange exchange = current;
        if (exchange == null || exchange.requestDone) {
            return;
        }
        if (content.decoderResult().isFailure()) {
            exchange.body.fail(new IOException("malformed request body: "
                    + ErrorMapping.message(content.decoderResult().cause())));
            exchange.requestDone = true;
            return;
        }
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
                ctx.read();
            }
        } else if (!current.requestDone) {
            if (!current.body.pauseIfFull()) {
                ctx.read();
            }
        } else if (pipelined.size() < MAX_PIPELINED && !inputShutdown) {
            // Keep reading while answering: that is how a vanished client is noticed (EOF) while
            // a long stream (events, logs -f) has nothing to write.
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
                ctx.close();
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
        pipelined.forEach(ReferenceCountUtil::release);
        pipelined.clear();
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

    // ---- on the handler thread ----

    private void serve(Exchange exchange) {
        HttpRequest request = exchange.request;
        long start = System.nanoTime();
        Response response =
                dispatch.serve(request.method().name(), request.uri(), headersOf(request.headers()), exchange.body);
        boolean keepAlive;
        try {
            keepAlive = write(exchange, response);
        } catch (Throwable t) {
            if (ctx.channel().isActive()) {
                ErrorMapping.report(t, request.method() + " " + request.uri());
            }
            keepAlive = false;
        }
        if (log.isDebugEnabled()) {
            log.debug(
                    "{} {} -> {} in {} ms",
                    request.method(),
                    request.uri(),
                    response.status(),
                    (System.nanoTime() - start) / 1_000_000);
        }
        boolean reuse = keepAlive;
        loop.execute(() -> responded(exchange, reuse));
    }

    /** Event loop: the response is out; read the next request or close. */
    private void responded(Exchange exchange, boolean keepAlive) {
        exchange.body.close();
        if (current == exchange) {
            current = null;
        }
        // A body the handler did not read is not drained: closing is cheaper and safe.
        if (!keepAlive || !exchange.requestDone || inputShutdown) {
            pipelined.forEach(ReferenceCountUtil::release);
            pipelined.clear();
            ctx.close();
        } else if (hijackInput == null) {
            while (!pipelined.isEmpty() && (current == null || !current.requestDone)) {
                Object msg = pipelined.poll();
                try {
                    handle(msg);
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }
            if (current == null || !current.requestDone) {
                ctx.read();
            }
        }
    }

    /** Writes {@code response}; returns whether the connection may serve another request. */
    private boolean write(Exchange exchange, Response response) throws IOException {
        HttpRequest request = exchange.request;
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean head = request.method().equals(HttpMethod.HEAD);
        HttpResponseStatus status = HttpResponseStatus.valueOf(response.status());
        return switch (response.body()) {
            case Response.Body.Empty() -> {
                FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
                if (response.status() != 204 && response.status() != 304) {
                    HttpUtil.setContentLength(r, 0);
                }
                yield sendFull(request, decorate(r, response), keepAlive);
            }
            case Response.Body.Bytes(String contentType, byte[] bytes) -> {
                FullHttpResponse r = new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1, status, head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
                r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
                HttpUtil.setContentLength(r, bytes.length);
                yield sendFull(request, decorate(r, response), keepAlive);
            }
            case Response.Body.Stream(String contentType, Response.StreamBody writer) -> {
                if (head) {
                    yield write(exchange, Response.bytes(contentType, new byte[0]));
                }
                yield stream(exchange, response, status, contentType, out -> writer.writeTo(out), keepAlive);
            }
            case Response.Body.Messages(Response.MessageBody writer) -> {
                if (head) {
                    yield write(exchange, Response.bytes("application/json", new byte[0]));
                }
                yield stream(
                        exchange,
                        response,
                        status,
                        "application/json",
                        out -> writer.writeTo(messagesOn(out)),
                        keepAlive);
            }
            case Response.Body.Hijack(String contentType, HijackHandler handler) -> {
                hijack(exchange, response, contentType, handler);
                yield false;
            }
        };
    }

    private interface Body {
        void writeTo(ChannelOutput out) throws Exception;
    }

    private boolean stream(
            Exchange exchange,
            Response response,
            HttpResponseStatus status,
            String contentType,
            Body body,
            boolean keepAlive)
            throws IOException {
        HttpRequest request = exchange.request;
        // HTTP/1.0 has no chunks: the body ends when the connection does.
        boolean chunked = request.protocolVersion().equals(HttpVersion.HTTP_1_1);
        boolean reuse = keepAlive && chunked;
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        if (chunked) {
            HttpUtil.setTransferEncodingChunked(head, true);
        }
        decorate(head, response);
        setConnection(request, head, reuse);
        ChannelOutput out = new ChannelOutput(loop, ctx.channel(), () -> head, chunked, false);
        exchange.streamingTo(out);
        try {
            body.writeTo(out);
            out.finish();
            return reuse;
        } catch (Throwable t) {
            String requestLine = request.method() + " " + request.uri();
            if (!out.headerSent()) {
                out.abandon();
                return sendFull(request, toNetty(ErrorMapping.toResponse(t, requestLine)), keepAlive);
            }
            if (!ctx.channel().isActive() || exchange.clientGone) {
                log.debug("{}: client went away: {}", requestLine, t.toString());
                out.abandon();
                return false;
            }
            ErrorMapping.report(t, requestLine);
            if (response.body() instanceof Response.Body.Messages) {
                // The 200 is out; Docker reports the failure as the stream's last message.
                try {
                    out.write(Json.encodeLine(JsonMessage.error(ErrorMapping.message(t))));
                    out.finish();
                    return reuse;
                } catch (IOException e) {
                    out.abandon();
                    return false;
                }
            }
            // A raw stream cannot carry an error: cut it so that the client sees a truncated transfer.
            out.abandon();
            return false;
        }
    }

    private static MessageStream messagesOn(ChannelOutput out) {
        return new MessageStream() {
            @Override
            public void send(Object message) throws IOException {
                out.write(Json.encodeLine(message));
                out.flush();
            }

            @Override
            public void flushHeaders() throws IOException {
                out.flush();
            }

            @Override
            public boolean isOpen() {
                return out.isOpen();
            }

            @Override
            public void onClose(Runnable action) {
                out.onClose(action);
            }
        };
    }

    private void hijack(Exchange exchange, Response response, String contentType, HijackHandler handler)
            throws IOException {
        HttpRequest request = exchange.request;
        boolean upgrade = request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && "tcp".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE));
        HttpResponse head;
        if (upgrade) {
            head = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, new HttpResponseStatus(101, "UPGRADED"));
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            head.headers().set(HttpHeaderNames.UPGRADE, "tcp");
        } else {
            // Docker answers a client that did not ask to upgrade with an HTTP/1.0 200 without
            // length: the stream runs until the connection closes.
            head = new DefaultHttpResponse(HttpVersion.HTTP_1_0, HttpResponseStatus.OK);
        }
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        decorate(head, response);
        CompletableFuture<ChannelInput> ready = new CompletableFuture<>();
        loop.execute(() -> takeOver(exchange, head, ready));
        ChannelInput input;
        try {
            input = ready.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while upgrading the connection", e);
        } catch (ExecutionException e) {
            throw new IOException("cannot upgrade the connection", e.getCause());
        }
        Channel channel = ctx.channel();
        ChannelOutput output = new ChannelOutput(loop, channel, null, false, true);
        HijackedConnection connection = new HijackedConnection() {
            @Override
            public InputStream input() {
                return input;
            }

            @Override
            public OutputStream output() {
                return output;
            }

            @Override
            public void closeWrite() throws IOException {
                output.flush();
                loop.execute(() -> {
                    SslHandler tls = channel.pipeline().get(SslHandler.class);
                    if (tls != null) {
                        // TLS 1.3 lets either side end its half with close_notify, then the FIN.
                        tls.closeOutbound().addListener(f -> shutdownOutput(channel));
                    } else {
                        shutdownOutput(channel);
                    }
                });
            }

            @Override
            public boolean isOpen() {
                return channel.isActive();
            }

            @Override
            public void onClose(Runnable action) {
                output.onClose(action);
            }
        };
        try {
            handler.handle(connection);
            if (channel.isActive()) {
                output.flush();
            }
        } catch (Throwable t) {
            if (channel.isActive()) {
                ErrorMapping.report(t, request.method() + " " + request.uri() + " (hijacked)");
            }
        } finally {
            output.abandon();
            input.close();
            loop.execute(() -> ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE));
        }
    }

    private static void shutdownOutput(Channel channel) {
        if (channel instanceof io.netty.channel.socket.DuplexChannel duplex) {
            duplex.shutdownOutput();
        } else {
            channel.close();
        }
    }

    /** Event loop: sends the upgrade answer and removes HTTP from the pipeline. */
    private void takeOver(Exchange exchange, HttpResponse head, CompletableFuture<ChannelInput> ready) {
        try {
            hijackInput = new ChannelInput(this::resumeReading);
            if (current == exchange) {
                current = null;
            }
            exchange.body.close();
            ctx.writeAndFlush(head);
            if (!(head instanceof FullHttpResponse)) {
                ctx.write(LastHttpContent.EMPTY_LAST_CONTENT);
            }
            ChannelPipeline pipeline = ctx.pipeline();
            if (pipeline.get(HttpServerExpectContinueHandler.class) != null) {
                pipeline.remove(HttpServerExpectContinueHandler.class);
            }
            // Removing the decoder hands this handler any bytes it had read past the request.
            pipeline.remove(HttpServerCodec.class);
            if (inputShutdown) {
                hijackInput.end();
            } else {
                ctx.read();
            }
            ready.complete(hijackInput);
        } catch (Throwable t) {
            ready.completeExceptionally(t);
        }
    }

    private boolean sendFull(HttpRequest request, FullHttpResponse r, boolean keepAlive) throws IOException {
        setConnection(request, r, keepAlive);
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> ctx.writeAndFlush(r).addListener(f -> {
            if (f.isSuccess()) {
                done.complete(null);
            } else {
                done.completeExceptionally(f.cause());
            }
        }));
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing the response", e);
        } catch (ExecutionException e) {
            throw new IOException("client closed the connection", e.getCause());
        }
        return keepAlive;
    }

    /** Event loop: answers a request that never reached a handler, then closes. */
    private void writeFullAndClose(Response response) {
        FullHttpResponse r = toNetty(response);
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    private static FullHttpResponse toNetty(Response response) {
        byte[] bytes = response.body() instanceof Response.Body.Bytes(String type, byte[] b) ? b : new byte[0];
        FullHttpResponse r = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(bytes));
        if (response.body() instanceof Response.Body.Bytes(String type, byte[] b)) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        }
        HttpUtil.setContentLength(r, bytes.length);
        return decorate(r, response);
    }

    private static void setConnection(HttpRequest request, HttpResponse r, boolean keepAlive) {
        if (!keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (!request.protocolVersion().isKeepAliveDefault()) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    /** Adds Docker's headers, then the handler's own. */
    private static <T extends HttpResponse> T decorate(T r, Response response) {
        HttpHeaders h = r.headers();
        h.set("Api-Version", ApiVersion.CURRENT.toString());
        h.set("Docker-Experimental", "false");
        h.set("Ostype", "linux");
        h.set(HttpHeaderNames.SERVER, ServerIdentity.SERVER_HEADER);
        response.headers().forEach(h::set);
        return r;
    }

    private static Request.Headers headersOf(HttpHeaders headers) {
        return new Request.Headers() {
            @Override
            public String get(String name) {
                return headers.get(name);
            }

            @Override
            public List<String> getAll(String name) {
                return headers.getAll(name);
            }
        };
    }
}
