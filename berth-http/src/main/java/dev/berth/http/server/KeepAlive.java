package dev.berth.http.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;

/**
 * Persistent connections (RFC 9112 section 9.3): each response says whether the connection stays
 * ({@code Connection: close}, or {@code keep-alive} to an HTTP/1.0 client that asked for it), and
 * the connection is closed once a response that ends it is out. It ends when its request asked
 * to close, when the handler's response says close, or when the response's end can only be told
 * by the close (no length, not chunked, not a status or a method that has no body).
 *
 * <p>Netty's HttpServerKeepAliveHandler does the same, but closes after a 304 and does not know
 * that a response to HEAD has no body. Requests are answered in order, so their facts wait here in
 * a queue until their response goes out. Fields are touched on the event loop only.
 */
final class KeepAlive extends ChannelDuplexHandler {
    private record Pending(boolean keepAlive, boolean http10, boolean head) {}

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private boolean closing;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            pending.add(new Pending(
                    HttpUtil.isKeepAlive(request),
                    !request.protocolVersion().isKeepAliveDefault(),
                    request.method().equals(HttpMethod.HEAD)));
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response && response.status().code() >= 200) {
            Pending request = pending.poll();
            boolean keep = !closing
                    && request != null
                    && request.keepAlive()
                    && HttpUtil.isKeepAlive(response)
                    && delimited(response, request.head());
            if (!keep) {
                closing = true;
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            } else if (request.http10()) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
        }
        if (closing && msg instanceof LastHttpContent) {
            promise = promise.unvoid();
            promise.addListener(ChannelFutureListener.CLOSE);
        }
        ctx.write(msg, promise);
    }

    /** True when the client can tell where the response ends without the connection closing. */
    private static boolean delimited(HttpResponse response, boolean head) {
        int status = response.status().code();
        return head
                || status == 204
                || status == 304
                || HttpUtil.isContentLengthSet(response)
                || HttpUtil.isTransferEncodingChunked(response);
    }
}
