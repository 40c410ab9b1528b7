package dev.berth.http.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Builds the pipeline of one connection, each handler with one concern:
 *
 * <ol>
 *   <li>{@link TlsOnly} on a TLS listener: TLS, or Go's answer to plain HTTP;
 *   <li>{@link HttpServerCodec}: HTTP/1.1 framing, with the limits on the request line and headers;
 *   <li>{@link KeepAlive}: which responses end the connection;
 *   <li>{@link RequestLimits}: the Host header and the body's size, before any of it is read;
 *   <li>{@link HttpServerExpectContinueHandler}: {@code 100 Continue} for the requests that pass;
 *   <li>{@link ChunkedWriteHandler}: file bodies, a piece at a time as the socket takes them;
 *   <li>{@link ConnectionBridge}: one request at a time to a virtual thread, with its body as a
 *       backpressured stream; the hijack ({@link Hijack}) removes everything HTTP above it.
 * </ol>
 * Answers that no handler gives come from the service's {@link ErrorMapper}.
 */
final class ServerPipeline extends ChannelInitializer<Channel> {
    private static final int MAX_INITIAL_LINE = 64 * 1024;
    private static final int MAX_HEADER_SIZE = 256 * 1024;
    /**
     * Body pieces as large as a socket read gives (Netty's default cuts them at 8 KB): a 50 MB
     * upload then crosses to its virtual thread in a few hundred pieces instead of some 6,400.
     */
    private static final int MAX_CHUNK = 1 << 20;

    /** The handlers between the codec and the bridge, which a hijack removes before the codec. */
    static final List<Class<? extends ChannelHandler>> HTTP_HANDLERS = List.of(
            KeepAlive.class, RequestLimits.class, HttpServerExpectContinueHandler.class, ChunkedWriteHandler.class);

    private final Dispatch dispatch;
    private final SslContext tls;
    private final Executor handlers;
    private final ChannelGroup connections;

    ServerPipeline(Dispatch dispatch, SslContext tls, Executor handlers, ChannelGroup connections) {
        this.dispatch = dispatch;
        this.tls = tls;
        this.handlers = handlers;
        this.connections = connections;
    }

    @Override
    protected void initChannel(Channel ch) {
        connections.add(ch);
        if (tls != null) {
            ch.pipeline().addLast(new TlsOnly(tls));
        }
        http(ch.pipeline(), dispatch, handlers, null);
    }

    /** The HTTP handlers of a connection; tests build the same on an EmbeddedChannel ({@code loop}: see ConnectionBridge). */
    static void http(ChannelPipeline p, Dispatch dispatch, Executor handlers, Executor loop) {
        p.addLast(new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(MAX_HEADER_SIZE)
                .setMaxChunkSize(MAX_CHUNK)));
        p.addLast(new KeepAlive());
        p.addLast(new RequestLimits(dispatch));
        p.addLast(new HttpServerExpectContinueHandler());
        p.addLast(new ChunkedWriteHandler());
        p.addLast(new ConnectionBridge(dispatch, handlers, loop));
    }
}
