package dev.berth.http.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * Refuses a request that is well-formed HTTP but must not reach a handler, as Go's net/http
 * server (dockerd's, distribution's) refuses it: no {@code Host} header on HTTP/1.1, more than
 * one, or one with a byte no host name has (400); and a {@code Content-Length} above the route's
 * limit (413), before any of the body is read.
 *
 * <p>A refused request goes on down the pipeline, in its turn among pipelined ones, marked as a
 * failed decode whose cause is a {@link Refused}; the connection handler answers it through the
 * service's error mapper. Its {@code Expect: 100-continue} is dropped, so the client is never
 * invited to send a body that nobody will read.
 */
final class RequestLimits extends ChannelInboundHandlerAdapter {
    private final Dispatch dispatch;

    RequestLimits(Dispatch dispatch) {
        this.dispatch = dispatch;
    }

    /** Why a request was refused, with the status to answer. */
    static final class Refused extends Exception {
        final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()) {
            Refused refused = check(request);
            if (refused != null) {
                request.setDecoderResult(DecoderResult.failure(refused));
                request.headers().remove(HttpHeaderNames.EXPECT);
            }
        }
        ctx.fireChannelRead(msg);
    }

    private Refused check(HttpRequest request) {
        String host = hostProblem(request);
        if (host != null) {
            return new Refused(400, host);
        }
        if (!HttpUtil.isContentLengthSet(request)) {
            return null;
        }
        long length = HttpUtil.getContentLength(request, -1L);
        long limit;
        try {
            limit = dispatch.maxBody(request.method().name(), request.uri());
        } catch (IllegalArgumentException malformedUri) {
            limit = Router.DEFAULT_MAX_BODY; // the dispatch answers the URI itself
        }
        if (length > limit) {
            return new Refused(
                    413,
                    "request body too large: Content-Length " + length + " exceeds the limit of " + limit + " bytes");
        }
        return null;
    }

    /** Go's checks (net/http server.go readRequest, httpguts.ValidHostHeader), with its messages; null when fine. */
    static String hostProblem(HttpRequest request) {
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.isEmpty()) {
            boolean atLeast11 = request.protocolVersion().compareTo(HttpVersion.HTTP_1_1) >= 0;
            return atLeast11 && !request.method().name().equals("CONNECT") ? "missing required Host header" : null;
        }
        if (hosts.size() > 1) {
            return "too many Host headers";
        }
        String host = hosts.getFirst();
        for (int i = 0; i < host.length(); i++) {
            if (!validHostChar(host.charAt(i))) {
                return "malformed Host header";
            }
        }
        return null;
    }

    /** httpguts' validHostByte: the characters of a reg-name, an IP literal, a port, a zone. */
    private static boolean validHostChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "!$%&'()*+,-.:;=[]_~".indexOf(c) >= 0;
    }
}
