package dev.berth.http.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.stream.ChunkedNioFile;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one {@link Exchange} on its virtual thread: dispatches the request, writes the
 * {@link Response} in its kind, and tells the connection when the answer is out and whether the
 * connection may serve another request. Every channel operation is handed to the event loop.
 */
final class ResponseWriter {
    private static final Logger log = LoggerFactory.getLogger(ResponseWriter.class);
    private static final int FILE_PIECE = 64 << 10;

    private final ConnectionBridge bridge;
    private final Dispatch dispatch;
    private final Exchange exchange;
    private final ChannelHandlerContext ctx;

    ResponseWriter(ConnectionBridge bridge, Dispatch dispatch, Exchange exchange) {
        this.bridge = bridge;
        this.dispatch = dispatch;
        this.exchange = exchange;
        this.ctx = bridge.context();
    }

    void serve() {
        HttpRequest request = exchange.request;
        long start = System.nanoTime();
        Response response = dispatch.serve(
                request.method().name(), request.uri(), headersOf(request.headers()), exchange.body, exchange.tls);
        boolean keepAlive;
        try {
            keepAlive = write(response);
        } catch (Throwable t) {
            if (ctx.channel().isActive()) {
                dispatch.errors().report(t, exchange.requestLine());
            }
            keepAlive = false;
        }
        if (log.isDebugEnabled()) {
            log.debug(
                    "{} -> {} in {} ms",
                    exchange.requestLine(),
                    response.status(),
                    (System.nanoTime() - start) / 1_000_000);
        }
        boolean reuse = keepAlive;
        bridge.loop().execute(() -> bridge.responded(exchange, reuse));
    }

    /** Writes {@code response}; returns whether the connection may serve another request. */
    private boolean write(Response response) throws IOException {
        boolean head = exchange.request.method().equals(HttpMethod.HEAD);
        return switch (response.body()) {
            case Response.Body.Empty() -> sendFull(full(dispatch.service(), response, head));
            case Response.Body.Bytes b -> sendFull(full(dispatch.service(), response, head));
            case Response.Body.Stream(String contentType, Response.StreamBody writer, var lastWords) ->
                head
                        ? sendFull(full(
                                dispatch.service(),
                                Response.bytes(contentType, new byte[0])
                                        .withStatus(response.status())
                                        .withHeaders(response.headers()),
                                true))
                        : stream(response, contentType, writer, lastWords);
            case Response.Body.File file -> sendFile(response, file, head);
            case Response.Body.Hijack(String contentType, HijackHandler handler) -> {
                new Hijack(bridge, exchange, dispatch).run(response, contentType, handler);
                yield false;
            }
        };
    }

    private boolean stream(
            Response response,
            String contentType,
            Response.StreamBody body,
            java.util.function.Function<Throwable, byte[]> lastWords)
            throws IOException {
        HttpRequest request = exchange.request;
        // HTTP/1.0 has no chunks: the body ends when the connection does.
        boolean chunked = request.protocolVersion().equals(HttpVersion.HTTP_1_1);
        HttpResponse head =
                new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()));
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        if (chunked) {
            HttpUtil.setTransferEncodingChunked(head, true);
        }
        decorate(dispatch.service(), head, response);
        ChannelOutput out = new ChannelOutput(bridge.loop(), ctx.channel(), () -> head, chunked, false);
        exchange.streamingTo(out);
        try {
            body.writeTo(out);
            out.finish();
            return chunked;
        } catch (Throwable t) {
            String requestLine = exchange.requestLine();
            if (!out.headerSent()) {
                out.abandon();
                return sendFull(full(dispatch.service(), dispatch.errors().failure(t, requestLine), false));
            }
            if (!ctx.channel().isActive() || exchange.clientGone()) {
                log.debug("{}: client went away: {}", requestLine, t.toString());
                out.abandon();
                return false;
            }
            dispatch.errors().report(t, requestLine);
            if (lastWords != null) {
                try {
                    out.write(lastWords.apply(t));
                    out.finish();
                    return chunked;
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

    /**
     * Sends a region of a file, read and written 64 KiB at a time, with or without TLS. Not
     * sendfile(2): to a client on the same host (the daemon, skopeo, a CI runner) a 50 MB blob
     * took 37-44 ms with sendfile against 24-29 ms this way, and 35% more of the registry's CPU.
     * Loopback has no DMA to spare the copy, and a piece this size is still in the CPU cache when
     * the kernel copies it into the socket; 16 KiB pieces cost more per byte, 128 KiB ones (or a
     * larger write buffer) miss the cache.
     */
    private boolean sendFile(Response response, Response.Body.File file, boolean head) throws IOException {
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, file.contentType());
        decorate(dispatch.service(), res, response);
        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, file.length());
        if (head) {
            return sendFull(asFull(res));
        }
        ChunkedNioFile pieces;
        try {
            pieces = new ChunkedNioFile(
                    FileChannel.open(file.file(), StandardOpenOption.READ), file.offset(), file.length(), FILE_PIECE);
        } catch (IOException e) {
            // Gone since the handler looked (a collection): nothing is sent yet, so it can be answered.
            return sendFull(full(dispatch.service(), dispatch.errors().failure(e, exchange.requestLine()), false));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        bridge.loop().execute(() -> {
            ctx.write(res);
            ChannelFuture last = ctx.writeAndFlush(new HttpChunkedInput(pieces));
            last.addListener(f -> complete(done, f));
        });
        await(done);
        return true;
    }

    private static FullHttpResponse asFull(HttpResponse head) {
        FullHttpResponse full =
                new DefaultFullHttpResponse(head.protocolVersion(), head.status(), Unpooled.EMPTY_BUFFER);
        full.headers().set(head.headers());
        return full;
    }

    private boolean sendFull(FullHttpResponse r) throws IOException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        bridge.loop().execute(() -> ctx.writeAndFlush(r).addListener(f -> complete(done, f)));
        await(done);
        return true;
    }

    private static void complete(CompletableFuture<Void> done, io.netty.util.concurrent.Future<?> f) {
        if (f.isSuccess()) {
            done.complete(null);
        } else {
            done.completeExceptionally(f.cause());
        }
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

    /**
     * {@code response} (no body, or a small one) as one Netty message, with the service's headers.
     * Without a body it has {@code Content-Length: 0} except on 204 and 304; to a HEAD request
     * the body is left out and a {@code Content-Length} the handler set stays.
     */
    static FullHttpResponse full(HttpService service, Response response, boolean head) {
        byte[] bytes = response.body() instanceof Response.Body.Bytes(String type, byte[] b) ? b : new byte[0];
        FullHttpResponse r = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
        boolean noLength = response.status() == 204 || response.status() == 304;
        if (response.body() instanceof Response.Body.Bytes(String type, byte[] b)) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        }
        if (!noLength || bytes.length > 0) {
            HttpUtil.setContentLength(r, bytes.length);
        }
        decorate(service, r, response);
        if (!head && HttpUtil.getContentLength(r, bytes.length) != bytes.length) {
            HttpUtil.setContentLength(r, bytes.length); // only a HEAD answer may say another length
        }
        return r;
    }

    /** {@code response} to a request that reached no handler, as one Netty message. */
    static FullHttpResponse full(HttpService service, Response response) {
        return full(service, response, false);
    }

    /** Adds the service's headers, then the handler's own. */
    static <T extends HttpResponse> T decorate(HttpService service, T r, Response response) {
        HttpHeaders h = r.headers();
        service.headers().forEach(h::set);
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
