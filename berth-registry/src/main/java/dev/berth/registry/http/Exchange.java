package dev.berth.registry.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.stream.ChunkedNioFile;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * One request and its response, handled on a virtual thread. Writes go through the channel
 * (thread-safe, queued to the event loop); {@link #lastWrite} lets the connection know when
 * the response has left so it can take the next request.
 */
final class Exchange {
    private final Channel channel;
    private final HttpRequest request;
    private final RequestBody body;
    private final boolean tls;
    private final QueryStringDecoder query;
    private volatile ChannelFuture lastWrite;

    Exchange(Channel channel, HttpRequest request, RequestBody body, boolean tls) {
        this.channel = channel;
        this.request = request;
        this.body = body;
        this.tls = tls;
        this.query = new QueryStringDecoder(request.uri());
    }

    HttpMethod method() {
        return request.method();
    }

    String path() {
        return query.path();
    }

    String uri() {
        return request.uri();
    }

    boolean tls() {
        return tls;
    }

    String header(CharSequence name) {
        return request.headers().get(name);
    }

    /** Every value of a header, in request order. */
    List<String> headers(CharSequence name) {
        return request.headers().getAll(name);
    }

    /** The first value of a query parameter, or null. */
    String param(String name) {
        List<String> v = query.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    List<String> params(String name) {
        return query.parameters().getOrDefault(name, List.of());
    }

    long contentLength() {
        return HttpUtil.getContentLength(request, HttpUtil.isTransferEncodingChunked(request) ? -1L : 0L);
    }

    RequestBody body() {
        return body;
    }

    ChannelFuture lastWrite() {
        return lastWrite;
    }

    boolean responded() {
        return lastWrite != null;
    }

    private static void common(HttpHeaders h) {
        h.set("Docker-Distribution-API-Version", "registry/2.0");
    }

    /** A response with a small body (sent without it for HEAD, keeping Content-Length). */
    void respond(HttpResponseStatus status, HttpHeaders headers, byte[] content) {
        boolean head = HttpMethod.HEAD.equals(request.method());
        var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                head || content.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(content));
        res.headers().set(headers);
        common(res.headers());
        if (!res.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.length);
        }
        lastWrite = channel.writeAndFlush(res);
    }

    /** Streams {@code length} bytes of {@code file} from {@code offset}: sendfile on plain TCP, chunks under TLS. */
    void respondFile(HttpResponseStatus status, HttpHeaders headers, Path file, long offset, long length)
            throws IOException {
        var res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        res.headers().set(headers);
        common(res.headers());
        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
        FileChannel fc = FileChannel.open(file, StandardOpenOption.READ);
        channel.write(res);
        if (tls) {
            lastWrite = channel.writeAndFlush(new HttpChunkedInput(new ChunkedNioFile(fc, offset, length, 1 << 16)));
        } else {
            channel.write(new DefaultFileRegion(fc, offset, length));
            lastWrite = channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }
}
