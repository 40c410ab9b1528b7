package dev.berth.http.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Docker's hijack (attach, exec): answers {@code 101 UPGRADED} with {@code Upgrade: tcp} to a
 * client that asked to upgrade, else an HTTP/1.0 200 without length whose body runs until the
 * connection closes, as moby does; then takes HTTP out of the pipeline and hands raw input and
 * output to the handler on its thread. The connection closes when the handler returns, once what
 * it wrote has gone out.
 */
final class Hijack {
    private final ConnectionBridge bridge;
    private final Exchange exchange;
    private final Dispatch dispatch;

    Hijack(ConnectionBridge bridge, Exchange exchange, Dispatch dispatch) {
        this.bridge = bridge;
        this.exchange = exchange;
        this.dispatch = dispatch;
    }

    void run(Response response, String contentType, HijackHandler handler) throws IOException {
        boolean upgrade = exchange.asksUpgrade()
                && "tcp".equalsIgnoreCase(exchange.request.headers().get(HttpHeaderNames.UPGRADE));
        HttpResponse head;
        if (upgrade) {
            head = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, new HttpResponseStatus(101, "UPGRADED"));
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            head.headers().set(HttpHeaderNames.UPGRADE, "tcp");
        } else {
            head = new DefaultHttpResponse(HttpVersion.HTTP_1_0, HttpResponseStatus.OK);
        }
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        ResponseWriter.decorate(dispatch.service(), head, response);
        CompletableFuture<ChannelInput> ready = new CompletableFuture<>();
        bridge.loop().execute(() -> takeOver(head, ready));
        ChannelInput input;
        try {
            input = ready.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while upgrading the connection", e);
        } catch (ExecutionException e) {
            throw new IOException("cannot upgrade the connection", e.getCause());
        }
        ChannelHandlerContext ctx = bridge.context();
        Channel channel = ctx.channel();
        ChannelOutput output = new ChannelOutput(bridge.loop(), channel, null, false, true);
        try {
            handler.handle(connection(channel, input, output));
            if (channel.isActive()) {
                output.drain();
            }
        } catch (Throwable t) {
            if (channel.isActive()) {
                dispatch.errors().report(t, exchange.requestLine() + " (hijacked)");
            }
        } finally {
            output.abandon();
            input.close();
            bridge.loop()
                    .execute(() -> ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE));
        }
    }

    private HijackedConnection connection(Channel channel, ChannelInput input, ChannelOutput output) {
        return new HijackedConnection() {
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
                output.drain();
                bridge.loop().execute(() -> {
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
    }

    private static void shutdownOutput(Channel channel) {
        if (channel instanceof DuplexChannel duplex) {
            duplex.shutdownOutput();
        } else {
            channel.close();
        }
    }

    /**
     * Event loop: sends the answer and removes HTTP from the pipeline. The HTTP handlers between
     * the decoder and the bridge go first, so that none of them acts on the answer (the
     * keep-alive handler would close on an HTTP/1.0 answer without length); removing the decoder
     * last hands the bridge any bytes it had read past the request.
     */
    private void takeOver(HttpResponse head, CompletableFuture<ChannelInput> ready) {
        try {
            ChannelHandlerContext ctx = bridge.context();
            ChannelInput input = bridge.hijacked(exchange);
            ChannelPipeline pipeline = ctx.pipeline();
            for (Class<? extends ChannelHandler> http : ServerPipeline.HTTP_HANDLERS) {
                if (pipeline.get(http) != null) {
                    pipeline.remove(http);
                }
            }
            ctx.writeAndFlush(head);
            if (!(head instanceof FullHttpResponse)) {
                ctx.write(LastHttpContent.EMPTY_LAST_CONTENT);
            }
            pipeline.remove(HttpServerCodec.class);
            bridge.startRaw();
            ready.complete(input);
        } catch (Throwable t) {
            ready.completeExceptionally(t);
        }
    }
}
