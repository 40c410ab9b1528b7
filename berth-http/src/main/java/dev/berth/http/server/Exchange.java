package dev.berth.http.server;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * One request and its response, shared by the connection's event loop (which feeds the body and
 * learns when the client is gone) and the virtual thread that serves it.
 */
final class Exchange {
    final HttpRequest request;
    final ChannelInput body;
    final boolean tls;
    /** Event loop: the body's last piece arrived. */
    boolean requestDone;
    /** Event loop: body bytes received so far. */
    long received;
    /** Set when the client stopped sending (EOF) while its answer streams: it is gone, as Go's server assumes. */
    private volatile boolean clientGone;

    private volatile ChannelOutput output;

    Exchange(HttpRequest request, ChannelInput body, boolean tls) {
        this.request = request;
        this.body = body;
        this.tls = tls;
    }

    String requestLine() {
        return request.method() + " " + request.uri();
    }

    /** True when the client asked to turn the connection into a raw stream (Docker's attach and exec). */
    boolean asksUpgrade() {
        return request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    /** The body bytes still to come, -1 when unknown (chunked). */
    long bodyLeft() {
        if (HttpUtil.isTransferEncodingChunked(request)) {
            return -1;
        }
        return Math.max(0, HttpUtil.getContentLength(request, 0L) - received);
    }

    boolean clientGone() {
        return clientGone;
    }

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
}
